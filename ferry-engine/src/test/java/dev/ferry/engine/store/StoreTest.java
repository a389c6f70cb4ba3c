package dev.ferry.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.engine.transfer.SourceCounters;
import dev.ferry.spi.SourceKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store against a real SQLite file: its schema migrations, its statistics columns, and the
 * written pieces it trusts only within one boot.
 */
class StoreTest {
  @TempDir Path dir;

  @Test
  void schemaFiveMovesTheStatisticsOutOfTheSettingsJson() throws Exception {
    String fileRow =
        "INSERT INTO files (job_id, idx, remote_url, local_path, temp_path, remote_size,"
            + " piece_size, completed, delivery) VALUES"
            + " ('00000000-0000-0000-0000-000000000001', %d, 'http://h/f', '/tmp/f%d',"
            + " '/tmp/.f%d', 10, 65536, 0, %s)";
    Path file =
        database(
            4,
            insertJob("00000000-0000-0000-0000-000000000001"),
            fileRow.formatted(
                0,
                0,
                0,
                "'{\"fileId\":\"a\",\"inPlace\":true,\"counters\":{\"bytesFromHttp\":7,"
                    + "\"bytesFromPeers\":6,\"bytesFromCacheServer\":5,\"connections\":4,"
                    + "\"activeMillis\":3,\"piecesRejected\":2}}'"),
            fileRow.formatted(
                1,
                1,
                1,
                "'{\"counters\":{\"bytesFromHttp\":9,\"connections\":1,\"activeMillis\":8}}'"),
            fileRow.formatted(2, 2, 2, "NULL"));

    try (Store store = Store.open(file)) {
      Map<JobRow, List<FileRow>> all = store.loadAll();
      List<FileRow> files = all.values().iterator().next();
      assertThat(files.get(0).counters()).isEqualTo(new SourceCounters(7, 6, 5, 4, 3, 2));
      assertThat(files.get(0).delivery()).isEqualTo("{\"fileId\":\"a\",\"inPlace\":true}");
      assertThat(files.get(1).counters()).isEqualTo(new SourceCounters(9, 0, 0, 1, 8, 0));
      assertThat(files.get(1).delivery()).as("nothing but statistics: no settings").isNull();
      assertThat(files.get(2).counters()).isEqualTo(SourceCounters.ZERO);
      assertThat(files.get(2).delivery()).isNull();

      FileRow f = files.get(2);
      SourceCounters later = new SourceCounters(1L << 40, 2, 3, 8, 1234, 1);
      store.updateFile(f.withProgress(f.pieces(), f.writtenPieces(), later));
    }
    try (Store store = Store.open(file)) {
      List<FileRow> files = store.loadAll().values().iterator().next();
      assertThat(files.get(2).counters()).isEqualTo(new SourceCounters(1L << 40, 2, 3, 8, 1234, 1));
    }
  }

  @Test
  void writtenPiecesComeBackOnlyInTheBootThatRecordedThem() throws Exception {
    Path file =
        database(
            Migrations.latest(),
            insertJob("00000000-0000-0000-0000-000000000002"),
            "INSERT INTO files (job_id, idx, remote_url, local_path, temp_path, remote_size,"
                + " piece_size, pieces, completed, written_pieces, written_boot) VALUES"
                + " ('00000000-0000-0000-0000-000000000002', 0, 'http://h/f', '/tmp/f', '/tmp/.f',"
                + " 10, 65536, x'01', 0, x'07', 'boot-a')");

    assertThat(onlyFile(file, "boot-a").writtenPieces()).containsExactly(7);
    assertThat(onlyFile(file, "boot-b").writtenPieces()).as("after a reboot").isNull();
    assertThat(onlyFile(file, null).writtenPieces()).as("boot unknown").isNull();
    assertThat(onlyFile(file, "boot-b").pieces()).as("flushed ones always").containsExactly(1);

    FileRow f = onlyFile(file, "boot-b");
    try (Store store = Store.open(file, "boot-b")) {
      store.updateFile(f.withProgress(f.pieces(), new byte[] {3}, f.counters()));
    }
    assertThat(onlyFile(file, "boot-b").writtenPieces()).containsExactly(3);
    assertThat(onlyFile(file, "boot-a").writtenPieces()).isNull();
  }

  @Test
  void aCheckpointAfterTheJobWasDeletedDoesNotBringItBack() throws Exception {
    Path file =
        database(
            Migrations.latest(),
            insertJob("00000000-0000-0000-0000-000000000003"),
            "INSERT INTO files (job_id, idx, remote_url, local_path, temp_path, remote_size,"
                + " piece_size, completed) VALUES ('00000000-0000-0000-0000-000000000003', 0,"
                + " 'http://h/f', '/tmp/f', '/tmp/.f', 10, 65536, 0)");

    try (Store store = Store.open(file)) {
      Map.Entry<JobRow, List<FileRow>> job = store.loadAll().entrySet().iterator().next();
      store.deleteJob(job.getKey().id());
      // A transfer's last checkpoint can race a cancel that deleted the job.
      store.checkpoint(job.getKey(), job.getValue());
      store.updateJob(job.getKey());
    }
    try (Store store = Store.open(file)) {
      assertThat(store.loadAll()).as("no job comes back from the dead").isEmpty();
    }
  }

  @Test
  void writesWithoutWaitingNestAndOnlyTheOutermostRestoresTheWait() {
    try (Store store = Store.open(dir.resolve("ferry.db"))) {
      assertThat(store.waitsForDisk()).as("by default").isTrue();
      store.withoutWaiting(() -> {
        assertThat(store.waitsForDisk()).isFalse();
        store.withoutWaiting(() -> assertThat(store.waitsForDisk()).isFalse());
        assertThat(store.waitsForDisk()).as("after an inner call").isFalse();
      });
      assertThat(store.waitsForDisk()).as("after the outermost").isTrue();

      assertThatThrownBy(() ->
              store.withoutWaiting(() -> {
                throw new IllegalStateException("a write failed");
              }))
          .hasMessage("a write failed");
      assertThat(store.waitsForDisk()).as("after a failed write").isTrue();
    }
  }

  @Test
  void schemaEightDropsTheOwnerIndexAndKeepsTheJobs() throws Exception {
    Path file = database(7, insertJob("00000000-0000-0000-0000-000000000004"));

    try (Store store = Store.open(file)) {
      assertThat(store.loadAll().keySet())
          .extracting(JobRow::ownerUid, JobRow::displayName)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1000L, "j"));
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement sql = connection.createStatement();
        var indexes =
            sql.executeQuery("SELECT name FROM sqlite_master WHERE name = 'jobs_owner'")) {
      assertThat(indexes.next()).as("jobs_owner is gone").isFalse();
    }
  }

  @Test
  void theDeclaredColumnsAreTheSchemasWithTheirTypesAndKeys() throws Exception {
    Path file = dir.resolve("ferry.db");
    Store.open(file).close();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      for (Table<?, ?> table : List.of(JobColumn.TABLE, FileColumn.TABLE)) {
        Map<String, String> schema = new LinkedHashMap<>();
        List<String> primaryKey = new ArrayList<>();
        try (Statement sql = connection.createStatement();
            ResultSet rs = sql.executeQuery("PRAGMA table_info(" + table.name() + ")")) {
          while (rs.next()) {
            schema.put(rs.getString("name"), rs.getString("type"));
            if (rs.getInt("pk") > 0) {
              primaryKey.add(rs.getString("name"));
            }
          }
        }
        Map<String, String> declared = new LinkedHashMap<>();
        table
            .columns()
            .forEach(column -> declared.put(column.name(), column.binding().type().sql()));
        assertThat(declared).as(table.name()).containsExactlyInAnyOrderEntriesOf(schema);
        assertThat(table.keys())
            .as(table.name())
            .extracting(Table.Column::name)
            .containsExactlyElementsOf(primaryKey);
      }
    }
  }

  @Test
  void everyColumnComesBackAsItWasWritten() {
    UUID id = UUID.fromString("00000000-0000-0000-0000-000000000005");
    JobRow job =
        new JobRow(
            id,
            2,
            3,
            4,
            "owner",
            "display",
            "description",
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            13,
            "protocol",
            14,
            15,
            16,
            17,
            "proxies",
            "bypass",
            "headers",
            18,
            UUID.fromString("00000000-0000-0000-0000-000000000019"),
            true,
            true,
            20,
            21,
            22,
            true,
            true,
            23,
            24,
            "program",
            "parameters",
            "{\"download\":1}",
            25,
            "cache.lan,10.0.0.2:8080",
            -1,
            "ZDE6YWkxZWU=",
            "10.0.0.3:7680",
            1,
            -1,
            2_560_000L,
            "6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70",
            "http://tracker.lan:6969/announce,udp://10.0.0.4:6969");
    FileRow file =
        new FileRow(
            id,
            0,
            "http://h/f",
            "/tmp/f",
            "/tmp/.f",
            "0-9",
            26,
            "\"etag\"",
            "modified",
            27,
            new byte[] {28},
            new byte[] {29},
            true,
            "headers",
            "{\"delivery\":1}",
            new SourceCounters(30, 31, 32, 33, 34, 35));
    Path database = dir.resolve("ferry.db");
    try (Store store = Store.open(database, "boot")) {
      store.insertJob(job);
      store.addFiles(job, List.of(file));
    }
    try (Store store = Store.open(database, "boot")) {
      Map.Entry<JobRow, List<FileRow>> read = store.loadAll().entrySet().iterator().next();
      assertThat(read.getKey()).isEqualTo(job);
      assertThat(read.getValue()).singleElement().usingRecursiveComparison().isEqualTo(file);
    }
  }

  @Test
  void countsByKindOfSourceComeBackForEveryKindEvenOneTheStoreDoesNotName() {
    UUID id = UUID.fromString("00000000-0000-0000-0000-000000000006");
    SourceKind toy = new SourceKind("toy");
    SourceCounters counters =
        new SourceCounters(
            Map.of(
                SourceKind.ORIGIN,
                new SourceCounters.PerKind(100, 2),
                toy,
                new SourceCounters.PerKind(7, 1)),
            9,
            1);
    Path database = dir.resolve("ferry.db");
    try (Store store = Store.open(database, "boot")) {
      JobRow job =
          new JobRow(
              id, 1, 0, 1000, "u", "j", "", 2, 1, 0, 0, 0, 0, null, null, null, null, 3, 600,
              1209600, 0, null, null, null, 0, null, false, false, 0, 0, 0, false, false, 0, 0,
              null, null, null, 0, null, null, null, null, null, null, null, null, null);
      store.insertJob(job);
      store.addFiles(
          job,
          List.of(
              new FileRow(
                  id,
                  0,
                  "http://h/f",
                  "/tmp/f",
                  "/tmp/.f",
                  null,
                  107,
                  null,
                  null,
                  1 << 20,
                  null,
                  null,
                  false,
                  "",
                  null,
                  counters)));
    }
    SourceCounters read = onlyFile(database, "boot").counters();
    assertThat(read).isEqualTo(counters);
    assertThat(read.bytes(toy)).isEqualTo(7);
    assertThat(read.bytesFromHttp()).as("the HTTP column's sum").isEqualTo(107);
  }

  /** A database of schema {@code version} in which {@code statements} have run. */
  private Path database(int version, String... statements) throws Exception {
    Path file = dir.resolve("ferry.db");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement sql = connection.createStatement()) {
      Migrations.apply(connection, version);
      for (String statement : statements) {
        sql.execute(statement);
      }
    }
    return file;
  }

  /** A job row with every column that has no default, in the columns of schema 4. */
  private static String insertJob(String id) {
    return "INSERT INTO jobs (id, seq, type, owner_uid, owner_name, display_name, description,"
        + " priority, state, created_ms, modified_ms, transferred_ms, error_count,"
        + " notify_flags, min_retry_delay_s, no_progress_timeout_s, proxy_usage,"
        + " cost_flags, dynamic_content, high_performance, max_download_size,"
        + " stored_credentials, min_notification_interval_ms, on_demand, resumed_once,"
        + " transient_since_ms, retry_at_ms) VALUES ('"
        + id
        + "', 1, 0, 1000, 'u', 'j', '', 2, 1, 0, 0, 0, 0, 3, 600, 1209600, 0, 0, 0, 0, 0, 0,"
        + " 0, 0, 0, 0, 0)";
  }

  private static FileRow onlyFile(Path file, String bootId) {
    try (Store store = Store.open(file, bootId)) {
      return store.loadAll().values().iterator().next().get(0);
    }
  }
}
