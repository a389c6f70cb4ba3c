package dev.ferry.engine.store;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.engine.transfer.SourceCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The persistent queue: one SQLite database in WAL mode with {@code synchronous=FULL}, so that a
 * write is on disk when the call returns. Some writes are the exception, written without waiting
 * for the disk (durable against a process crash, consistent after a power cut, and on disk with the
 * next write that waits, since the log is written in order): transfer checkpoints ({@link
 * #checkpoint}), whose loss to a power cut costs only refetching bytes, and whatever the engine
 * passes to {@link #withoutWaiting}: the setup of a job not yet resumed, and states the engine
 * would reach again by itself. One connection, used by one thread at a time.
 */
public final class Store implements AutoCloseable {
  /**
   * The columns a write binds, keys last: an insert names them all, an update sets the others and
   * finds the row by the keys, so both bind in the same order.
   */
  private static final String JOB_VALUES =
      "seq, type, owner_uid, owner_name, display_name, description, priority, state,"
          + " created_ms, modified_ms, transferred_ms, error_count, error_context, error_code,"
          + " error_file, error_protocol, notify_flags, min_retry_delay_s, no_progress_timeout_s,"
          + " proxy_usage, proxy_list, proxy_bypass, custom_headers, cost_flags,"
          + " notification_clsid, dynamic_content, high_performance, max_download_size,"
          + " stored_credentials, min_notification_interval_ms, on_demand, resumed_once,"
          + " transient_since_ms, retry_at_ms, notify_program, notify_parameters, download,"
          + " max_transfer_rate";

  private static final String JOB_KEYS = "id";
  private static final String JOB_COLUMNS = JOB_VALUES + ", " + JOB_KEYS;
  private static final String FILE_VALUES =
      "remote_url, local_path, temp_path, ranges, remote_size, etag,"
          + " last_modified, piece_size, pieces, completed, response_headers, delivery,"
          + " bytes_from_http, bytes_from_peers, bytes_from_cache, connections, active_ms,"
          + " pieces_rejected, written_pieces, written_boot";
  private static final String FILE_KEYS = "job_id, idx";
  private static final String FILE_COLUMNS = FILE_VALUES + ", " + FILE_KEYS;

  private static final String INSERT_JOB = insert("jobs", JOB_COLUMNS);
  private static final String UPDATE_JOB = update("jobs", JOB_VALUES, JOB_KEYS);
  private static final String INSERT_FILE = insert("files", FILE_COLUMNS);
  private static final String UPDATE_FILE = update("files", FILE_VALUES, FILE_KEYS);
  private static final String SYNCHRONOUS_NORMAL = "PRAGMA synchronous=NORMAL";
  private static final String SYNCHRONOUS_FULL = "PRAGMA synchronous=FULL";

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * The writes' statements, prepared once: sqlite-jdbc parses a statement again each time it is
   * prepared, and a job of many small files writes two rows for each file.
   */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /** How deep {@link #withoutWaiting} calls nest; guarded by the lock. */
  private int relaxedDepth;

  /** The machine's boot, recorded with the written pieces; null when unknown. */
  private final String bootId;

  private Store(Connection connection, String bootId) {
    this.connection = connection;
    this.bootId = bootId;
  }

  /** Opens (creating and migrating when needed) the database at {@code file}. */
  public static Store open(Path file) {
    return open(file, BootId.current());
  }

  /**
   * Opens the database at {@code file} for the machine's boot {@code bootId} (null when unknown):
   * files' written pieces recorded in another boot are not returned.
   */
  public static Store open(Path file, String bootId) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      if (!Files.exists(file)) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      SqliteLibrary.useCopyIn(dir);
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL");
        statement.execute("PRAGMA synchronous=FULL");
        statement.execute("PRAGMA busy_timeout=10000");
      }
      Migrations.apply(connection);
      return new Store(connection, bootId);
    } catch (SQLException | IOException e) {
      throw new FerryException(
          HResult.BG_E_DATABASE_CORRUPT.value(),
          "cannot open the job database " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** Every job with its files, in creation order. */
  public Map<JobRow, List<FileRow>> loadAll() {
    return locked(() -> {
      Map<UUID, List<FileRow>> files = new HashMap<>();
      try (Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery(
                  "SELECT " + FILE_COLUMNS + " FROM files ORDER BY job_id, idx")) {
        while (rs.next()) {
          FileRow row = readFile(rs);
          files.computeIfAbsent(row.jobId(), k -> new ArrayList<>()).add(row);
        }
      }
      Map<JobRow, List<FileRow>> result = new java.util.LinkedHashMap<>();
      try (Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery("SELECT " + JOB_COLUMNS + " FROM jobs ORDER BY seq")) {
        while (rs.next()) {
          JobRow job = readJob(rs);
          result.put(job, files.getOrDefault(job.id(), List.of()));
        }
      }
      return result;
    });
  }

  /** A new job. */
  public void insertJob(JobRow job) {
    transaction(() -> writeJob(job, true));
  }

  public void updateJob(JobRow job) {
    transaction(() -> writeJob(job, false));
  }

  /** Writes the job row and adds files to it, atomically. */
  public void addFiles(JobRow job, List<FileRow> files) {
    transaction(() -> {
      writeJob(job, false);
      for (FileRow file : files) {
        writeFile(file, true);
      }
    });
  }

  /** Writes the job row and the given file rows, atomically. */
  public void update(JobRow job, List<FileRow> files) {
    transaction(() -> {
      writeJob(job, false);
      for (FileRow file : files) {
        writeFile(file, false);
      }
    });
  }

  /**
   * Records transfer progress: like {@link #update}, but the commit does not wait for the disk
   * (SQLite's {@code synchronous=NORMAL} in WAL mode: durable against a process crash, consistent
   * after a power cut). Many small files would otherwise pay a disk flush each.
   */
  public void checkpoint(JobRow job, List<FileRow> files) {
    withoutWaiting(() -> update(job, files));
  }

  /**
   * Runs {@code writes}, calls of this store, with commits that do not wait for the disk (see the
   * class comment). Calls may nest: the outermost one sets the mode and restores it.
   */
  public void withoutWaiting(Runnable writes) {
    lock.lock();
    try {
      if (relaxedDepth++ == 0) {
        statement(SYNCHRONOUS_NORMAL).execute();
      }
      try {
        writes.run();
      } finally {
        if (--relaxedDepth == 0) {
          statement(SYNCHRONOUS_FULL).execute();
        }
      }
    } catch (SQLException e) {
      throw storeFailure(e);
    } finally {
      lock.unlock();
    }
  }

  /** Whether a commit now waits for the disk ({@code synchronous=FULL}); for tests. */
  boolean waitsForDisk() {
    lock.lock();
    try (ResultSet rs = statement("PRAGMA synchronous").executeQuery()) {
      return rs.next() && rs.getInt(1) == 2;
    } catch (SQLException e) {
      throw storeFailure(e);
    } finally {
      lock.unlock();
    }
  }

  public void updateFile(FileRow file) {
    transaction(() -> writeFile(file, false));
  }

  /** An engine-wide setting, such as the bandwidth policy, as text. */
  public java.util.Optional<String> setting(String key) {
    return locked(() -> {
      try (PreparedStatement ps =
          connection.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? java.util.Optional.of(rs.getString(1))
              : java.util.Optional.<String>empty();
        }
      }
    });
  }

  public void putSetting(String key, String value) {
    transaction(() -> {
      try (PreparedStatement ps =
          connection.prepareStatement("REPLACE INTO settings (key, value) VALUES (?, ?)")) {
        ps.setString(1, key);
        ps.setString(2, value);
        ps.executeUpdate();
      }
    });
  }

  public void deleteJob(UUID id) {
    transaction(() -> {
      try (PreparedStatement ps =
          connection.prepareStatement("DELETE FROM files WHERE job_id = ?")) {
        ps.setString(1, id.toString());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = connection.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
        ps.setString(1, id.toString());
        ps.executeUpdate();
      }
    });
  }

  @Override
  public void close() {
    lock.lock();
    try {
      for (PreparedStatement statement : statements.values()) {
        statement.close();
      }
      statements.clear();
      connection.close();
    } catch (SQLException e) {
      // Closing a WAL database only checkpoints; the data is already durable.
    } finally {
      lock.unlock();
    }
  }

  private static String insert(String table, String columns) {
    return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders(columns) + ")";
  }

  /**
   * An update of the row {@code keys} name, not a REPLACE: SQLite carries a REPLACE out as a delete
   * and an insert under a new rowid, which moves the row to another page and rewrites the primary
   * key's index too, so a small file's checkpoint wrote twice the pages (counted in the WAL). Nor
   * does an update bring back a row deleted meanwhile.
   */
  private static String update(String table, String values, String keys) {
    return "UPDATE "
        + table
        + " SET "
        + assignments(values, ", ")
        + " WHERE "
        + assignments(keys, " AND ");
  }

  private static String assignments(String columns, String separator) {
    StringJoiner joined = new StringJoiner(separator);
    for (String column : columns.split(",")) {
      joined.add(column.strip() + " = ?");
    }
    return joined.toString();
  }

  /** One "?" for each of {@code columns}, comma-separated. */
  private static String placeholders(String columns) {
    return String.join(",", Collections.nCopies(columns.split(",").length, "?"));
  }

  /** The statement for {@code sql}, prepared on first use; callers hold the lock. */
  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private void writeJob(JobRow j, boolean insert) throws SQLException {
    PreparedStatement ps = statement(insert ? INSERT_JOB : UPDATE_JOB);
    int i = 0;
    ps.setLong(++i, j.sequence());
    ps.setInt(++i, j.type());
    ps.setLong(++i, j.ownerUid());
    ps.setString(++i, j.ownerName());
    ps.setString(++i, j.displayName());
    ps.setString(++i, j.description());
    ps.setInt(++i, j.priority());
    ps.setInt(++i, j.state());
    ps.setLong(++i, j.createdMs());
    ps.setLong(++i, j.modifiedMs());
    ps.setLong(++i, j.transferredMs());
    ps.setInt(++i, j.errorCount());
    setInteger(ps, ++i, j.errorContext());
    setInteger(ps, ++i, j.errorCode());
    setInteger(ps, ++i, j.errorFile());
    ps.setString(++i, j.errorProtocol());
    ps.setInt(++i, j.notifyFlags());
    ps.setLong(++i, j.minRetryDelaySeconds());
    ps.setLong(++i, j.noProgressTimeoutSeconds());
    ps.setInt(++i, j.proxyUsage());
    ps.setString(++i, j.proxyList());
    ps.setString(++i, j.proxyBypass());
    ps.setString(++i, j.customHeaders());
    ps.setInt(++i, j.costFlags());
    ps.setString(++i, j.notificationClsid() == null ? null : j.notificationClsid().toString());
    ps.setInt(++i, j.dynamicContent() ? 1 : 0);
    ps.setInt(++i, j.highPerformance() ? 1 : 0);
    ps.setLong(++i, j.maxDownloadSize());
    ps.setInt(++i, j.storedCredentials());
    ps.setInt(++i, j.minNotificationIntervalMs());
    ps.setInt(++i, j.onDemand() ? 1 : 0);
    ps.setInt(++i, j.resumedOnce() ? 1 : 0);
    ps.setLong(++i, j.transientSinceMs());
    ps.setLong(++i, j.retryAtMs());
    ps.setString(++i, j.notifyProgram());
    ps.setString(++i, j.notifyParameters());
    ps.setString(++i, j.download());
    ps.setLong(++i, j.maxTransferRate());
    ps.setString(++i, j.id().toString());
    ps.executeUpdate();
  }

  private void writeFile(FileRow f, boolean insert) throws SQLException {
    PreparedStatement ps = statement(insert ? INSERT_FILE : UPDATE_FILE);
    int i = 0;
    ps.setString(++i, f.remoteUrl());
    ps.setString(++i, f.localPath());
    ps.setString(++i, f.tempPath());
    ps.setString(++i, f.ranges());
    ps.setLong(++i, f.remoteSize());
    ps.setString(++i, f.etag());
    ps.setString(++i, f.lastModified());
    ps.setInt(++i, f.pieceSize());
    ps.setBytes(++i, f.pieces());
    ps.setInt(++i, f.completed() ? 1 : 0);
    ps.setString(++i, f.responseHeaders());
    ps.setString(++i, f.delivery());
    SourceCounters c = f.counters();
    ps.setLong(++i, c.bytesFromHttp());
    ps.setLong(++i, c.bytesFromPeers());
    ps.setLong(++i, c.bytesFromCacheServer());
    ps.setInt(++i, c.connections());
    ps.setLong(++i, c.activeMillis());
    ps.setInt(++i, c.piecesRejected());
    ps.setBytes(++i, bootId == null ? null : f.writtenPieces());
    ps.setString(++i, bootId);
    ps.setString(++i, f.jobId().toString());
    ps.setInt(++i, f.index());
    ps.executeUpdate();
  }

  private static JobRow readJob(ResultSet rs) throws SQLException {
    String clsid = rs.getString("notification_clsid");
    return new JobRow(
        UUID.fromString(rs.getString("id")),
        rs.getLong("seq"),
        rs.getInt("type"),
        rs.getLong("owner_uid"),
        rs.getString("owner_name"),
        rs.getString("display_name"),
        rs.getString("description"),
        rs.getInt("priority"),
        rs.getInt("state"),
        rs.getLong("created_ms"),
        rs.getLong("modified_ms"),
        rs.getLong("transferred_ms"),
        rs.getInt("error_count"),
        getInteger(rs, "error_context"),
        getInteger(rs, "error_code"),
        getInteger(rs, "error_file"),
        rs.getString("error_protocol"),
        rs.getInt("notify_flags"),
        rs.getLong("min_retry_delay_s"),
        rs.getLong("no_progress_timeout_s"),
        rs.getInt("proxy_usage"),
        rs.getString("proxy_list"),
        rs.getString("proxy_bypass"),
        rs.getString("custom_headers"),
        rs.getInt("cost_flags"),
        clsid == null ? null : UUID.fromString(clsid),
        rs.getInt("dynamic_content") != 0,
        rs.getInt("high_performance") != 0,
        rs.getLong("max_download_size"),
        rs.getInt("stored_credentials"),
        rs.getInt("min_notification_interval_ms"),
        rs.getInt("on_demand") != 0,
        rs.getInt("resumed_once") != 0,
        rs.getLong("transient_since_ms"),
        rs.getLong("retry_at_ms"),
        rs.getString("notify_program"),
        rs.getString("notify_parameters"),
        rs.getString("download"),
        rs.getLong("max_transfer_rate"));
  }

  private FileRow readFile(ResultSet rs) throws SQLException {
    return new FileRow(
        UUID.fromString(rs.getString("job_id")),
        rs.getInt("idx"),
        rs.getString("remote_url"),
        rs.getString("local_path"),
        rs.getString("temp_path"),
        rs.getString("ranges"),
        rs.getLong("remote_size"),
        rs.getString("etag"),
        rs.getString("last_modified"),
        rs.getInt("piece_size"),
        rs.getBytes("pieces"),
        bootId != null && bootId.equals(rs.getString("written_boot"))
            ? rs.getBytes("written_pieces")
            : null,
        rs.getInt("completed") != 0,
        rs.getString("response_headers"),
        rs.getString("delivery"),
        new SourceCounters(
            rs.getLong("bytes_from_http"),
            rs.getLong("bytes_from_peers"),
            rs.getLong("bytes_from_cache"),
            rs.getInt("connections"),
            rs.getLong("active_ms"),
            rs.getInt("pieces_rejected")));
  }

  private static void setInteger(PreparedStatement ps, int index, Integer value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  private static Integer getInteger(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private interface SqlAction {
    void run() throws SQLException;
  }

  private <T> T locked(SqlWork<T> work) {
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw storeFailure(e);
    } finally {
      lock.unlock();
    }
  }

  private void transaction(SqlAction action) {
    lock.lock();
    try {
      connection.setAutoCommit(false);
      try {
        action.run();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw storeFailure(e);
    } finally {
      lock.unlock();
    }
  }

  private static FerryException storeFailure(SQLException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("SQLITE_FULL") || message.contains("disk is full")) {
      return new FerryException(
          HResult.ERROR_DISK_FULL.value(), "the job database is full: " + message, e);
    }
    return new FerryException(HResult.E_UNEXPECTED.value(), "job database error: " + message, e);
  }
}
