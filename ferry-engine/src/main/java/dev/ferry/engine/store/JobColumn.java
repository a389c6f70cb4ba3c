package dev.ferry.engine.store;

import static dev.ferry.engine.store.SqlType.BOOLEAN;
import static dev.ferry.engine.store.SqlType.INT;
import static dev.ferry.engine.store.SqlType.LONG;
import static dev.ferry.engine.store.SqlType.NULLABLE_INT;
import static dev.ferry.engine.store.SqlType.NULLABLE_LONG;
import static dev.ferry.engine.store.SqlType.TEXT;
import static dev.ferry.engine.store.SqlType.UUID_TEXT;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code jobs} table, a {@link JobRow} a row: each constant is the column of its name in lower
 * case, in the schema's order (see {@link Table}).
 */
enum JobColumn {
  ID(UUID_TEXT, true),
  /** The job's place in creation order, the order in which the store loads the jobs. */
  SEQ(LONG),
  TYPE(INT),
  OWNER_UID(LONG),
  OWNER_NAME(TEXT),
  DISPLAY_NAME(TEXT),
  DESCRIPTION(TEXT),
  PRIORITY(INT),
  STATE(INT),
  CREATED_MS(LONG),
  MODIFIED_MS(LONG),
  TRANSFERRED_MS(LONG),
  ERROR_COUNT(INT),
  ERROR_CONTEXT(NULLABLE_INT),
  ERROR_CODE(NULLABLE_INT),
  ERROR_FILE(NULLABLE_INT),
  ERROR_PROTOCOL(TEXT),
  NOTIFY_FLAGS(INT),
  MIN_RETRY_DELAY_S(LONG),
  NO_PROGRESS_TIMEOUT_S(LONG),
  PROXY_USAGE(INT),
  PROXY_LIST(TEXT),
  PROXY_BYPASS(TEXT),
  CUSTOM_HEADERS(TEXT),
  COST_FLAGS(INT),
  NOTIFICATION_CLSID(UUID_TEXT),
  DYNAMIC_CONTENT(BOOLEAN),
  HIGH_PERFORMANCE(BOOLEAN),
  MAX_DOWNLOAD_SIZE(LONG),
  STORED_CREDENTIALS(INT),
  MIN_NOTIFICATION_INTERVAL_MS(INT),
  ON_DEMAND(BOOLEAN),
  RESUMED_ONCE(BOOLEAN),
  TRANSIENT_SINCE_MS(LONG),
  RETRY_AT_MS(LONG),
  NOTIFY_PROGRAM(TEXT),
  NOTIFY_PARAMETERS(TEXT),
  DOWNLOAD(TEXT),
  MAX_TRANSFER_RATE(LONG),
  CACHE_HOSTS(TEXT),
  CACHE_FALLBACK_DELAY_S(NULLABLE_INT),
  CONTENT_DESCRIPTION(TEXT),
  PEERS(TEXT),
  DOWNLOAD_MODE(NULLABLE_INT),
  HTTP_DELAY_S(NULLABLE_INT),
  MIN_BACKGROUND_QOS(NULLABLE_LONG),
  GROUP_ID(TEXT),
  TRACKERS(TEXT);

  static final Table<JobRow, JobColumn> TABLE =
      Table.of("jobs", values(), column -> column.binding, JobColumn::value);

  private final Table.Binding binding;

  JobColumn(SqlType<?> type) {
    this(type, false);
  }

  JobColumn(SqlType<?> type, boolean key) {
    this.binding = new Table.Binding(type, key);
  }

  /**
   * The value of {@code column} in {@code r}, written by a store of the boot {@code boot}. One
   * exhaustive switch, so that a constant without a value does not compile, and one method for
   * every column, so that a short download runs it compiled after a few rows.
   */
  private static Object value(JobColumn column, JobRow r, String boot) {
    return switch (column) {
      case ID -> r.id();
      case SEQ -> r.sequence();
      case TYPE -> r.type();
      case OWNER_UID -> r.ownerUid();
      case OWNER_NAME -> r.ownerName();
      case DISPLAY_NAME -> r.displayName();
      case DESCRIPTION -> r.description();
      case PRIORITY -> r.priority();
      case STATE -> r.state();
      case CREATED_MS -> r.createdMs();
      case MODIFIED_MS -> r.modifiedMs();
      case TRANSFERRED_MS -> r.transferredMs();
      case ERROR_COUNT -> r.errorCount();
      case ERROR_CONTEXT -> r.errorContext();
      case ERROR_CODE -> r.errorCode();
      case ERROR_FILE -> r.errorFile();
      case ERROR_PROTOCOL -> r.errorProtocol();
      case NOTIFY_FLAGS -> r.notifyFlags();
      case MIN_RETRY_DELAY_S -> r.minRetryDelaySeconds();
      case NO_PROGRESS_TIMEOUT_S -> r.noProgressTimeoutSeconds();
      case PROXY_USAGE -> r.proxyUsage();
      case PROXY_LIST -> r.proxyList();
      case PROXY_BYPASS -> r.proxyBypass();
      case CUSTOM_HEADERS -> r.customHeaders();
      case COST_FLAGS -> r.costFlags();
      case NOTIFICATION_CLSID -> r.notificationClsid();
      case DYNAMIC_CONTENT -> r.dynamicContent();
      case HIGH_PERFORMANCE -> r.highPerformance();
      case MAX_DOWNLOAD_SIZE -> r.maxDownloadSize();
      case STORED_CREDENTIALS -> r.storedCredentials();
      case MIN_NOTIFICATION_INTERVAL_MS -> r.minNotificationIntervalMs();
      case ON_DEMAND -> r.onDemand();
      case RESUMED_ONCE -> r.resumedOnce();
      case TRANSIENT_SINCE_MS -> r.transientSinceMs();
      case RETRY_AT_MS -> r.retryAtMs();
      case NOTIFY_PROGRAM -> r.notifyProgram();
      case NOTIFY_PARAMETERS -> r.notifyParameters();
      case DOWNLOAD -> r.download();
      case MAX_TRANSFER_RATE -> r.maxTransferRate();
      case CACHE_HOSTS -> r.cacheHosts();
      case CACHE_FALLBACK_DELAY_S -> r.cacheFallbackDelayS();
      case CONTENT_DESCRIPTION -> r.contentDescription();
      case PEERS -> r.peers();
      case DOWNLOAD_MODE -> r.downloadMode();
      case HTTP_DELAY_S -> r.httpDelayS();
      case MIN_BACKGROUND_QOS -> r.minBackgroundQos();
      case GROUP_ID -> r.groupId();
      case TRACKERS -> r.trackers();
    };
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
        TABLE.get(rs, MAX_TRANSFER_RATE),
        TABLE.get(rs, CACHE_HOSTS),
        TABLE.get(rs, CACHE_FALLBACK_DELAY_S),
        TABLE.get(rs, CONTENT_DESCRIPTION),
        TABLE.get(rs, PEERS),
        TABLE.get(rs, DOWNLOAD_MODE),
        TABLE.get(rs, HTTP_DELAY_S),
        TABLE.get(rs, MIN_BACKGROUND_QOS),
        TABLE.get(rs, GROUP_ID),
        TABLE.get(rs, TRACKERS));
  }
}
