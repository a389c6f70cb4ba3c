package dev.ferry.engine.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema, as an ordered list of migrations. The database records the number applied; a newer
 * Ferry applies the rest in one transaction, and an older one refuses a database it does not know.
 */
final class Migrations {
  private Migrations() {}

  private static final List<List<String>> STEPS =
      List.of(
          List.of(
              """
              CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                seq INTEGER NOT NULL,
                type INTEGER NOT NULL,
                owner_uid INTEGER NOT NULL,
                owner_name TEXT NOT NULL,
                display_name TEXT NOT NULL,
                description TEXT NOT NULL,
                priority INTEGER NOT NULL,
                state INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                modified_ms INTEGER NOT NULL,
                transferred_ms INTEGER NOT NULL,
                error_count INTEGER NOT NULL,
                error_context INTEGER,
                error_code INTEGER,
                error_file INTEGER,
                error_protocol TEXT,
                notify_flags INTEGER NOT NULL,
                min_retry_delay_s INTEGER NOT NULL,
                no_progress_timeout_s INTEGER NOT NULL,
                proxy_usage INTEGER NOT NULL,
                proxy_list TEXT,
                proxy_bypass TEXT,
                custom_headers TEXT,
                cost_flags INTEGER NOT NULL,
                notification_clsid TEXT,
                dynamic_content INTEGER NOT NULL,
                high_performance INTEGER NOT NULL,
                max_download_size INTEGER NOT NULL,
                stored_credentials INTEGER NOT NULL,
                min_notification_interval_ms INTEGER NOT NULL,
                on_demand INTEGER NOT NULL,
                resumed_once INTEGER NOT NULL,
                transient_since_ms INTEGER NOT NULL,
                retry_at_ms INTEGER NOT NULL
              )
              """,
              "CREATE INDEX jobs_owner ON jobs(owner_uid)",
              """
              CREATE TABLE files (
                job_id TEXT NOT NULL,
                idx INTEGER NOT NULL,
                remote_url TEXT NOT NULL,
                local_path TEXT NOT NULL,
                temp_path TEXT NOT NULL,
                ranges TEXT,
                remote_size INTEGER NOT NULL,
                etag TEXT,
                last_modified TEXT,
                piece_size INTEGER NOT NULL,
                pieces BLOB,
                completed INTEGER NOT NULL,
                response_headers TEXT,
                PRIMARY KEY (job_id, idx)
              )
              """),
          List.of(
              "ALTER TABLE jobs ADD COLUMN notify_program TEXT",
              "ALTER TABLE jobs ADD COLUMN notify_parameters TEXT"),
          List.of("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
          List.of(
              "ALTER TABLE jobs ADD COLUMN download TEXT",
              "ALTER TABLE files ADD COLUMN delivery TEXT"),
          // The statistics change at every checkpoint: columns, not JSON to encode each time.
          List.of(
              "ALTER TABLE files ADD COLUMN bytes_from_http INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE files ADD COLUMN bytes_from_peers INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE files ADD COLUMN bytes_from_cache INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE files ADD COLUMN connections INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE files ADD COLUMN active_ms INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE files ADD COLUMN pieces_rejected INTEGER NOT NULL DEFAULT 0",
              """
              UPDATE files SET
                bytes_from_http = coalesce(json_extract(delivery, '$.counters.bytesFromHttp'), 0),
                bytes_from_peers = coalesce(json_extract(delivery, '$.counters.bytesFromPeers'), 0),
                bytes_from_cache =
                  coalesce(json_extract(delivery, '$.counters.bytesFromCacheServer'), 0),
                connections = coalesce(json_extract(delivery, '$.counters.connections'), 0),
                active_ms = coalesce(json_extract(delivery, '$.counters.activeMillis'), 0),
                pieces_rejected = coalesce(json_extract(delivery, '$.counters.piecesRejected'), 0),
                delivery = nullif(json_remove(delivery, '$.counters'), '{}')
              WHERE delivery IS NOT NULL
              """),
          List.of("ALTER TABLE jobs ADD COLUMN max_transfer_rate INTEGER NOT NULL DEFAULT 0"),
          List.of(
              "ALTER TABLE files ADD COLUMN written_pieces BLOB",
              "ALTER TABLE files ADD COLUMN written_boot TEXT"),
          // Nothing reads jobs by owner (the engine loads every job at open), and every write of a
          // job row rewrote the index's page as well.
          List.of("DROP INDEX jobs_owner"),
          // Counts by kind of source ("origin=bytes/connections cache=..."), so that a kind of
          // its own keeps its counts across a restart; the three byte columns stay as their sums.
          List.of("ALTER TABLE files ADD COLUMN source_counts TEXT"),
          // Ferry's job properties CACHE_HOSTS and CACHE_FALLBACK_DELAY (unset: the engine's).
          List.of(
              "ALTER TABLE jobs ADD COLUMN cache_hosts TEXT",
              "ALTER TABLE jobs ADD COLUMN cache_fallback_delay_s INTEGER"),
          // Ferry's job properties CONTENT_DESCRIPTION, PEERS and DOWNLOAD_MODE (for peers).
          List.of(
              "ALTER TABLE jobs ADD COLUMN content_description TEXT",
              "ALTER TABLE jobs ADD COLUMN peers TEXT",
              "ALTER TABLE jobs ADD COLUMN download_mode INTEGER"),
          // Ferry's job properties HTTP_DELAY (unsigned seconds) and MIN_BACKGROUND_QOS (bytes per
          // second); unset: the engine's.
          List.of(
              "ALTER TABLE jobs ADD COLUMN http_delay_s INTEGER",
              "ALTER TABLE jobs ADD COLUMN min_background_qos INTEGER"),
          // Ferry's job properties GROUP_ID (a GUID) and TRACKERS (URLs separated by commas), a
          // download's own scope for peers; unset: the machine's.
          List.of(
              "ALTER TABLE jobs ADD COLUMN group_id TEXT",
              "ALTER TABLE jobs ADD COLUMN trackers TEXT"));

  static int latest() {
    return STEPS.size();
  }

  static void apply(Connection connection) throws SQLException {
    apply(connection, latest());
  }

  /** Migrates up to schema {@code target}; tests build older databases with it. */
  static void apply(Connection connection, int target) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      int current;
      try (ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
        rs.next();
        current = rs.getInt(1);
      }
      if (current > latest()) {
        throw new SQLException(
            "the database has schema version "
                + current
                + " but this Ferry knows only "
                + latest());
      }
      if (current >= target) {
        return;
      }
      connection.setAutoCommit(false);
      try {
        for (int step = current; step < target; step++) {
          for (String sql : STEPS.get(step)) {
            statement.execute(sql);
          }
          statement.execute("INSERT INTO schema_version (version) VALUES (" + (step + 1) + ")");
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }
}
