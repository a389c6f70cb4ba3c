package dev.ferry.engine.store;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.spi.StoreEvents;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private static final String INSERT_JOB = JobColumn.TABLE.insert();
  private static final String UPDATE_JOB = JobColumn.TABLE.update();
  private static final String INSERT_FILE = FileColumn.TABLE.insert();
  private static final String UPDATE_FILE = FileColumn.TABLE.update();
  private static final String SYNCHRONOUS_NORMAL = "PRAGMA synchronous=NORMAL";
  private static final String SYNCHRONOUS_FULL = "PRAGMA synchronous=FULL";

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * The writes' statements, prepared once: sqlite-jdbc parses a statement again each time it is
   * prepared, and a job of many small files writes two rows for each file (StoreBenchmark's figures
   * in bench/README.md).
   */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /** How deep {@link #withoutWaiting} calls nest; guarded by the lock. */
  private int relaxedDepth;

  /** The machine's boot, recorded with the written pieces; null when unknown. */
  private final String bootId;

  /** Who hears how long writes take. */
  private final StoreEvents events;

  private Store(Connection connection, String bootId, StoreEvents events) {
    this.connection = connection;
    this.bootId = bootId;
    this.events = events;
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
    return open(file, bootId, StoreEvents.NONE);
  }

  /** As {@link #open(Path, String)}, telling {@code events} how long each write takes. */
  public static Store open(Path file, String bootId, StoreEvents events) {
    java.util.Objects.requireNonNull(events, "events");
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
      return new Store(connection, bootId, events);
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
              statement.executeQuery(FileColumn.TABLE.select() + " ORDER BY job_id, idx")) {
        while (rs.next()) {
          FileRow row = FileColumn.read(rs, bootId);
          files.computeIfAbsent(row.jobId(), k -> new ArrayList<>()).add(row);
        }
      }
      Map<JobRow, List<FileRow>> result = new java.util.LinkedHashMap<>();
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery(JobColumn.TABLE.select() + " ORDER BY seq")) {
        while (rs.next()) {
          JobRow job = JobColumn.read(rs);
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

  /** The statement for {@code sql}, prepared on first use; callers hold the lock. */
  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private void writeJob(JobRow job, boolean insert) throws SQLException {
    PreparedStatement ps = statement(insert ? INSERT_JOB : UPDATE_JOB);
    JobColumn.TABLE.bind(ps, job, bootId);
    ps.executeUpdate();
  }

  private void writeFile(FileRow file, boolean insert) throws SQLException {
    PreparedStatement ps = statement(insert ? INSERT_FILE : UPDATE_FILE);
    FileColumn.TABLE.bind(ps, file, bootId);
    ps.executeUpdate();
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
      long start = System.nanoTime();
      connection.setAutoCommit(false);
      try {
        action.run();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
        events.written(relaxedDepth == 0, System.nanoTime() - start);
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
