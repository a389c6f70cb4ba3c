package dev.ferry.swarm.cache;

import dev.ferry.swarm.torrent.InfoHash;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cache's index: one row per entry in a SQLite file (WAL), through JDBC alone, as the engine's
 * store keeps its jobs. Each change is one statement, so a crash leaves the index as it was before
 * or after it; what the index and the directory then disagree on is settled when the cache opens.
 * Not thread-safe: the cache calls it under its lock.
 */
final class CacheIndex implements AutoCloseable {
  private static final int SCHEMA = 1;

  /** A row: the entry, its torrent's bytes, and its file's modification time when it was added. */
  record Row(CacheEntry entry, byte[] torrent, long fileTime) {}

  private final Connection connection;

  private CacheIndex(Connection connection) {
    this.connection = connection;
  }

  static CacheIndex open(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try {
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL");
        // NORMAL, not the store's FULL: a change lost to a power cut loses an entry (its file is
        // then an orphan, removed at the next start) or brings back one deleted (its file is
        // gone: dropped at the next start); neither serves anything wrong.
        statement.execute("PRAGMA synchronous=NORMAL");
        statement.execute("PRAGMA busy_timeout=10000");
        int version;
        try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
          version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > SCHEMA) {
          throw new IOException(
              file + " is a cache index of a later Ferry (schema " + version + ")");
        }
        if (version < SCHEMA) {
          statement.execute(
              """
              CREATE TABLE IF NOT EXISTS entries (
                info_hash TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                size INTEGER NOT NULL,
                owner INTEGER NOT NULL,
                added_ms INTEGER NOT NULL,
                served_ms INTEGER,
                pinned INTEGER NOT NULL DEFAULT 0,
                file_time INTEGER NOT NULL,
                torrent BLOB NOT NULL)\
              """);
          statement.execute("PRAGMA user_version=" + SCHEMA);
        }
      } catch (SQLException | IOException e) {
        connection.close();
        throw e;
      }
      return new CacheIndex(connection);
    } catch (SQLException e) {
      throw new IOException("cannot open the cache index " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every row; a row that cannot be read (a hash that is not one) is left out and deleted. */
  List<Row> load() throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT info_hash, name, size, owner, added_ms, served_ms, pinned, file_time,"
                    + " torrent FROM entries")) {
      while (rs.next()) {
        String hex = rs.getString(1);
        InfoHash hash;
        try {
          hash = InfoHash.parse(hex);
        } catch (IllegalArgumentException e) {
          unreadable.add(hex);
          continue;
        }
        long served = rs.getLong(6);
        Optional<Instant> lastServed =
            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(served));
        CacheEntry entry =
            new CacheEntry(
                hash,
                rs.getString(2),
                rs.getLong(3),
                rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)),
                lastServed,
                rs.getInt(7) != 0);
        rows.add(new Row(entry, rs.getBytes(9), rs.getLong(8)));
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
    for (String hex : unreadable) {
      update("DELETE FROM entries WHERE info_hash = ?", hex);
    }
    return rows;
  }

  void insert(Row row) throws IOException {
    CacheEntry entry = row.entry();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO entries (info_hash, name, size, owner, added_ms, served_ms,"
                + " pinned, file_time, torrent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      statement.setString(1, entry.infoHash().hex());
      statement.setString(2, entry.name());
      statement.setLong(3, entry.size());
      statement.setLong(4, entry.owner());
      statement.setLong(5, entry.added().toEpochMilli());
      if (entry.lastServed().isPresent()) {
        statement.setLong(6, entry.lastServed().get().toEpochMilli());
      } else {
        statement.setNull(6, Types.INTEGER);
      }
      statement.setInt(7, entry.pinned() ? 1 : 0);
      statement.setLong(8, row.fileTime());
      statement.setBytes(9, row.torrent());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failure("add", e);
    }
  }

  void delete(InfoHash hash) throws IOException {
    update("DELETE FROM entries WHERE info_hash = ?", hash.hex());
  }

  void pinned(InfoHash hash, boolean pinned) throws IOException {
    update("UPDATE entries SET pinned = ? WHERE info_hash = ?", pinned ? 1 : 0, hash.hex());
  }

  void served(InfoHash hash, Instant when) throws IOException {
    update("UPDATE entries SET served_ms = ? WHERE info_hash = ?", when.toEpochMilli(), hash.hex());
  }

  @Override
  public void close() throws IOException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }

  private void update(String sql, Object... values) throws IOException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setObject(i + 1, values[i]);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  private static IOException failure(String what, SQLException e) {
    return new IOException("cannot " + what + " the cache index: " + e.getMessage(), e);
  }
}
