package dev.ferry.cli;

import static dev.ferry.cli.JobVerbsTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.PerfSnapshot;
import dev.ferry.rest.Json;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code do status} and {@code do perf}: the DO cmdlets' reports, as tables or JSON. */
class DoCommandTest extends EmbeddedCliTest {
  @BeforeEach
  void serveSmall() {
    origin.put("/small.bin", Content.random(200_000, 5));
  }

  /** A job with one file, left SUSPENDED so that it is not final. */
  private Path queuedFile(Cli cli, String name) {
    String job = cli.run("create", name).value();
    Path local = downloads.resolve(name + ".bin");
    assertOk(cli.run("addfile", job, origin.url("/small.bin"), local.toString()));
    return local;
  }

  @Test
  void statusListsEachFileWithItsSources() throws Exception {
    Path local = queuedFile(ferry, "status");
    Cli.Result text = ferry.run("do", "status");
    assertThat(text.code()).as(text.toString()).isZero();
    List<String> lines = text.lines();
    assertThat(lines.getFirst().split("\\s+"))
        .containsSequence("FILE", "SIZE", "FROM", "HTTP", "FROM", "PEERS", "FROM", "CACHE");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(local.toString()));
    assertThat(lines.getLast()).isEqualTo("Listed 1 file(s).");

    Cli.Result json = ferry.run("do", "status", "--json");
    assertThat(json.code()).as(json.toString()).isZero();
    FileDeliveryStatus[] files = Json.mapper().readValue(json.out(), FileDeliveryStatus[].class);
    assertThat(Arrays.stream(files).map(FileDeliveryStatus::localPath))
        .containsExactly(local.toString());
    assertThat(files[0].download()).isFalse();
    assertThat(files[0].stats().sourceUrl()).isEqualTo(origin.url("/small.bin"));
  }

  @Test
  void perfPrintsEverySnapshotField() throws Exception {
    queuedFile(ferry, "perf");
    Cli.Result text = ferry.run("do", "perf");
    assertThat(text.code()).as(text.toString()).isZero();
    for (var component : PerfSnapshot.class.getRecordComponents()) {
      String field =
          Character.toUpperCase(component.getName().charAt(0)) + component.getName().substring(1);
      assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith(field + " "));
    }

    Cli.Result json = ferry.run("--json", "do", "perf");
    assertThat(json.code()).as(json.toString()).isZero();
    JsonNode tree = Json.mapper().readTree(json.out());
    assertThat(tree.has("files")).isTrue();
    PerfSnapshot perf = Json.mapper().treeToValue(tree, PerfSnapshot.class);
    assertThat(perf.files()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void doAloneIsAUsageError() {
    Cli.Result bare = ferry.run("do");
    assertThat(bare.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bare.err()).contains("status").contains("perf");
  }

  @Test
  void theReportsComeFromTheDaemonWhenOneRuns() throws Exception {
    Path socketDir = TestFiles.shortTempDir("fd");
    Path socket = socketDir.resolve("ferryd.sock");
    try (Ferryd daemon = Cli.ferryd(socket, tmp.resolve("daemon-data")).start()) {
      Cli remote =
          new Cli("--socket", socket.toString(), "--data-dir", tmp.resolve("unused").toString());
      Path local = queuedFile(remote, "remote");
      Cli.Result status = remote.run("do", "status", "--json");
      assertThat(status.code()).as(status.toString()).isZero();
      FileDeliveryStatus[] files =
          Json.mapper().readValue(status.out(), FileDeliveryStatus[].class);
      assertThat(Arrays.stream(files).map(FileDeliveryStatus::localPath))
          .containsExactly(local.toString());
      Cli.Result perf = remote.run("do", "perf", "--json");
      assertThat(perf.code()).as(perf.toString()).isZero();
      assertThat(Json.mapper().readValue(perf.out(), PerfSnapshot.class).files())
          .isGreaterThanOrEqualTo(1);
      assertThat(tmp.resolve("unused")).doesNotExist();
    } finally {
      TestFiles.deleteTree(socketDir);
    }
  }

  @Test
  void hashWritesAPieceHashFileThatADownloadVerifiesAgainst() throws Exception {
    Path published = tmp.resolve("published.bin");
    Files.write(published, Content.random(3_000_000, 9).bytes());

    Cli.Result result = ferry.run("do", "hash", published.toString(), "--piece-size", "65536");

    assertThat(result.code()).as(result.toString()).isZero();
    var info = Json.mapper().readTree(result.out());
    assertThat(info.path("PiecesHashFileUrl").asText()).isEqualTo("published.bin.phf");
    var hashes =
        dev.ferry.engine.integrity.PieceHashes.parse(
            Files.readAllBytes(tmp.resolve("published.bin.phf")));
    assertThat(hashes.pieceSize()).isEqualTo(65536);
    assertThat(hashes.fileSize()).isEqualTo(3_000_000);
    assertThat(hashes.pieceCount()).isEqualTo(46);
    assertThat(hashes.version()).isEqualTo(2);
    assertThat(info.path("ContentId").asText()).isEqualTo(hashes.tree().rootHex());
    assertThat(info.path("InfoHashV2").asText()).hasSize(64);
    assertThat(ferry.run("do", "hash", published.toString(), "--piece-size", "1000").code())
        .isEqualTo(ExitCodes.USAGE);
    Cli.Result v1 =
        ferry.run("do", "hash", published.toString(), "--piece-size", "1024", "--phf-version", "1");
    assertThat(v1.code()).as(v1.toString()).isZero();
    assertThat(
            dev.ferry.engine.integrity.PieceHashes.parse(
                    Files.readAllBytes(tmp.resolve("published.bin.phf")))
                .version())
        .isEqualTo(1);
  }

  @Test
  void hashWritesTheCanonicalTorrentOfTheContent() throws Exception {
    byte[] content = Content.random(200_000, 10).bytes();
    Path one = tmp.resolve("one.bin");
    Path other = tmp.resolve("other name.iso");
    Files.write(one, content);
    Files.write(other, content);

    Cli.Result first =
        ferry.run(
            "do", "hash", one.toString(), "--piece-size", "65536", "--torrent", tmp + "/1.torrent");
    Cli.Result second =
        ferry.run(
            "do",
            "hash",
            other.toString(),
            "--piece-size",
            "65536",
            "--torrent",
            tmp + "/2.torrent");

    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(second.code()).as(second.toString()).isZero();
    var info = Json.mapper().readTree(first.out());
    // Another name, the same content and piece size: the same swarm, byte for byte.
    assertThat(Files.readAllBytes(tmp.resolve("2.torrent")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("1.torrent")));
    var torrent = dev.ferry.swarm.torrent.TorrentReader.read(tmp.resolve("1.torrent"));
    assertThat(torrent.infoHash().hex()).isEqualTo(info.path("InfoHashV2").asText());
    assertThat(torrent.name()).isEqualTo(info.path("ContentId").asText());
    assertThat(torrent.tree().pieceLayer())
        .isEqualTo(
            dev.ferry.engine.integrity.PieceHashes.parse(
                    Files.readAllBytes(tmp.resolve("one.bin.phf")))
                .tree()
                .pieceLayer());

    Path empty = Files.createFile(tmp.resolve("empty"));
    Cli.Result refused =
        ferry.run("do", "hash", empty.toString(), "--torrent", tmp + "/empty.torrent");
    assertThat(refused.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err()).contains("is empty");
    assertThat(tmp.resolve("empty.torrent")).doesNotExist();
  }
}
