package dev.ferry.engine.store;

import static dev.ferry.engine.store.SqlType.BOOLEAN;
import static dev.ferry.engine.store.SqlType.INT;
import static dev.ferry.engine.store.SqlType.LONG;
import static dev.ferry.engine.store.SqlType.NULLABLE_INT;
import static dev.ferry.engine.store.SqlType.TEXT;
import static dev.ferry.engine.store.SqlType.UUID_TEXT;
import static dev.ferry.engine.store.Table.column;
import static dev.ferry.engine.store.Table.key;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code jobs} table, a {@link JobRow} a row: each constant is the column of its name in lower
 * case, in the schema's order (see {@link Table}).
 */
enum JobColumn {
  ID(key(UUID_TEXT, JobRow::id)),
  /** The job's place in creation order, the order in which the store loads the jobs. */
  SEQ(column(LONG, JobRow::sequence)),
  TYPE(column(INT, JobRow::type)),
  OWNER_UID(column(LONG, JobRow::ownerUid)),
  OWNER_NAME(column(TEXT, JobRow::ownerName)),
  DISPLAY_NAME(column(TEXT, JobRow::displayName)),
  DESCRIPTION(column(TEXT, JobRow::description)),
  PRIORITY(column(INT, JobRow::priority)),
  STATE(column(INT, JobRow::state)),
  CREATED_MS(column(LONG, JobRow::createdMs)),
  MODIFIED_MS(column(LONG, JobRow::modifiedMs)),
  TRANSFERRED_MS(column(LONG, JobRow::transferredMs)),
  ERROR_COUNT(column(INT, JobRow::errorCount)),
  ERROR_CONTEXT(column(NULLABLE_INT, JobRow::errorContext)),
  ERROR_CODE(column(NULLABLE_INT, JobRow::errorCode)),
  ERROR_FILE(column(NULLABLE_INT, JobRow::errorFile)),
  ERROR_PROTOCOL(column(TEXT, JobRow::errorProtocol)),
  NOTIFY_FLAGS(column(INT, JobRow::notifyFlags)),
  MIN_RETRY_DELAY_S(column(LONG, JobRow::minRetryDelaySeconds)),
  NO_PROGRESS_TIMEOUT_S(column(LONG, JobRow::noProgressTimeoutSeconds)),
  PROXY_USAGE(column(INT, JobRow::proxyUsage)),
  PROXY_LIST(column(TEXT, JobRow::proxyList)),
  PROXY_BYPASS(column(TEXT, JobRow::proxyBypass)),
  CUSTOM_HEADERS(column(TEXT, JobRow::customHeaders)),
  COST_FLAGS(column(INT, JobRow::costFlags)),
  NOTIFICATION_CLSID(column(UUID_TEXT, JobRow::notificationClsid)),
  DYNAMIC_CONTENT(column(BOOLEAN, JobRow::dynamicContent)),
  HIGH_PERFORMANCE(column(BOOLEAN, JobRow::highPerformance)),
  MAX_DOWNLOAD_SIZE(column(LONG, JobRow::maxDownloadSize)),
  STORED_CREDENTIALS(column(INT, JobRow::storedCredentials)),
  MIN_NOTIFICATION_INTERVAL_MS(column(INT, JobRow::minNotificationIntervalMs)),
  ON_DEMAND(column(BOOLEAN, JobRow::onDemand)),
  RESUMED_ONCE(column(BOOLEAN, JobRow::resumedOnce)),
  TRANSIENT_SINCE_MS(column(LONG, JobRow::transientSinceMs)),
  RETRY_AT_MS(column(LONG, JobRow::retryAtMs)),
  NOTIFY_PROGRAM(column(TEXT, JobRow::notifyProgram)),
  NOTIFY_PARAMETERS(column(TEXT, JobRow::notifyParameters)),
  DOWNLOAD(column(TEXT, JobRow::download)),
  MAX_TRANSFER_RATE(column(LONG, JobRow::maxTransferRate));

  static final Table<JobRow, JobColumn> TABLE =
      Table.of("jobs", values(), column -> column.binding);

  private final Table.Binding<JobRow> binding;

  JobColumn(Table.Binding<JobRow> binding) {
    this.binding = binding;
  }

  /** The job in the current row of a result of {@link Table#select}. */
  static JobRow read(ResultSet rs) throws SQLException {
    return new JobRow(
        TABLE.get(rs, ID),
        TABLE.get(rs, SEQ),
        TABLE.get(rs, TYPE),
        TABLE.get(rs, OWNER_UID),
        TABLE.get(rs, OWNER_NAME),
        TABLE.get(rs, DISPLAY_NAME),
        TABLE.get(rs, DESCRIPTION),
        TABLE.get(rs, PRIORITY),
        TABLE.get(rs, STATE),
        TABLE.get(rs, CREATED_MS),
        TABLE.get(rs, MODIFIED_MS),
        TABLE.get(rs, TRANSFERRED_MS),
        TABLE.get(rs, ERROR_COUNT),
        TABLE.get(rs, ERROR_CONTEXT),
        TABLE.get(rs, ERROR_CODE),
        TABLE.get(rs, ERROR_FILE),
        TABLE.get(rs, ERROR_PROTOCOL),
        TABLE.get(rs, NOTIFY_FLAGS),
        TABLE.get(rs, MIN_RETRY_DELAY_S),
        TABLE.get(rs, NO_PROGRESS_TIMEOUT_S),
        TABLE.get(rs, PROXY_USAGE),
        TABLE.get(rs, PROXY_LIST),
        TABLE.get(rs, PROXY_BYPASS),
        TABLE.get(rs, CUSTOM_HEADERS),
        TABLE.get(rs, COST_FLAGS),
        TABLE.get(rs, NOTIFICATION_CLSID),
        TABLE.get(rs, DYNAMIC_CONTENT),
        TABLE.get(rs, HIGH_PERFORMANCE),
        TABLE.get(rs, MAX_DOWNLOAD_SIZE),
        TABLE.get(rs, STORED_CREDENTIALS),
        TABLE.get(rs, MIN_NOTIFICATION_INTERVAL_MS),
        TABLE.get(rs, ON_DEMAND),
        TABLE.get(rs, RESUMED_ONCE),
        TABLE.get(rs, TRANSIENT_SINCE_MS),
        TABLE.get(rs, RETRY_AT_MS),
        TABLE.get(rs, NOTIFY_PROGRAM),
        TABLE.get(rs, NOTIFY_PARAMETERS),
        TABLE.get(rs, DOWNLOAD),
        TABLE.get(rs, MAX_TRANSFER_RATE));
  }
}
