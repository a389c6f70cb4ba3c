package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.swarm.discovery.Netns;
import dev.ferry.testkit.ChildJvm;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DO's statistics by kind of peer, between two machines whose addresses are public ones
 * (TEST-NET-3, not private): ferryd in one network namespace offers a file, {@code ferry get} in
 * another fetches it from that named peer. In Internet mode its bytes count as from an Internet
 * peer, in Group mode as from a group peer, and ferryd counts what it sent as sent to Internet
 * peers. Skipped where namespaces cannot be made (not root, no iproute2).
 */
class PeerKindsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PEER_PORT = "6881";
  private static final String SERVER = "203.0.113.1";

  @TempDir Path tmp;
  private Path socketDir;
  private final Netns netns = new Netns();

  @BeforeEach
  void start() throws IOException {
    socketDir = TestFiles.shortTempDir("fk");
    netns.pair("srv", SERVER + "/24", "cli", "203.0.113.2/24");
  }

  @AfterEach
  void stop() throws IOException {
    netns.close();
    TestFiles.deleteTree(socketDir);
  }

  @Test
  void bytesFromAPeerBeyondTheLanCountAsTheInternetsOrTheGroupsByTheDownloadsMode()
      throws Exception {
    Content content = Content.random(2L * 1024 * 1024 + 77, 211);
    Path file = Files.createDirectories(tmp.resolve("offered")).resolve("kinds.bin");
    Files.write(file, content.bytes());
    Path torrent = tmp.resolve("kinds.torrent");

    try (Ferryd daemon =
        Cli.ferryd(socketDir.resolve("ferryd.sock"), tmp.resolve("daemon-data"))
            .options("--peer-port", PEER_PORT)
            .inside(netns.exec("srv", List.of()))
            .start()) {
      Cli ferry = new Cli("--socket", daemon.socket().toString());
      Cli.Result seeded =
          ferry.run("do", "seed", file.toString(), "--torrent-out", torrent.toString());
      assertThat(seeded.code()).as(seeded.toString()).isZero();

      JsonNode internet = get(torrent, "internet", List.of());
      assertThat(internet.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(internet.get("bytesFromInternetPeers").asLong()).isEqualTo(content.size());
      assertThat(internet.get("bytesFromLanPeers").asLong()).isZero();
      assertThat(internet.get("bytesFromGroupPeers").asLong()).isZero();

      JsonNode group =
          get(torrent, "group", List.of("--group", "5f0c8a43-2d1e-4b8a-9c31-0d2a6b7e9f10"));
      assertThat(group.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(group.get("bytesFromGroupPeers").asLong()).isEqualTo(content.size());
      assertThat(group.get("bytesFromInternetPeers").asLong()).isZero();

      // ferryd saw the two downloads from an address beyond its network: Internet peers, whose
      // bytes DO's monthly cap counts.
      Cli.Result perf = ferry.run("do", "perf");
      assertThat(perf.out()).contains(", to Internet peers 4.0 MiB");
    }
  }

  /** {@code ferry get} in the client's namespace, from the server as a named peer; its record. */
  private JsonNode get(Path torrent, String mode, List<String> more) throws Exception {
    Path out = tmp.resolve(mode + ".bin");
    List<String> get = new ArrayList<>();
    get.addAll(
        List.of(
            "--data-dir",
            tmp.resolve(mode + "-data").toString(),
            "get",
            "--torrent",
            torrent.toString(),
            "--mode",
            mode,
            "--peer",
            SERVER + ":" + PEER_PORT,
            "--peer-port",
            PEER_PORT,
            "-o",
            out.toString(),
            "--json"));
    get.addAll(more);
    Path log = tmp.resolve(mode + ".log");
    Process process =
        new ProcessBuilder(netns.exec("cli", ChildJvm.command(FerryCommand.class.getName(), get)))
            .redirectError(log.toFile())
            .start();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(printed + Files.readString(log)).isZero();
    return JSON.readTree(printed);
  }
}
