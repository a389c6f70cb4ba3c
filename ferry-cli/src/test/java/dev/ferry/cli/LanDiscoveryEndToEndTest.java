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
 * DO's LAN mode between two machines: ferryd and {@code ferry get} in network namespaces of their
 * own on one link, with no tracker and no peer named. ferryd offers a file; the download finds it
 * by BEP 14 alone. Skipped where namespaces cannot be made (not root, no iproute2).
 */
class LanDiscoveryEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PEER_PORT = "6881";

  @TempDir Path tmp;
  private Path socketDir;
  private final Netns netns = new Netns();

  @BeforeEach
  void start() throws IOException {
    socketDir = TestFiles.shortTempDir("fl");
    netns.pair("srv", "10.79.1.1/24", "cli", "10.79.1.2/24");
  }

  @AfterEach
  void stop() throws IOException {
    netns.close();
    TestFiles.deleteTree(socketDir);
  }

  @Test
  void aDownloadFindsTheNeighbourThatHoldsItsContentByLocalDiscoveryAlone() throws Exception {
    Content content = Content.random(2L * 1024 * 1024 + 99, 193);
    Path file = Files.createDirectories(tmp.resolve("offered")).resolve("lan.bin");
    Files.write(file, content.bytes());
    Path torrent = tmp.resolve("lan.torrent");

    try (Ferryd daemon =
        Cli.ferryd(socketDir.resolve("ferryd.sock"), tmp.resolve("daemon-data"))
            .options("--peer-port", PEER_PORT)
            .inside(netns.exec("srv", List.of()))
            .start()) {
      // A Unix socket is a file: the test reaches the daemon whatever namespace it runs in.
      Cli ferry = new Cli("--socket", daemon.socket().toString());
      Cli.Result seeded =
          ferry.run("do", "seed", file.toString(), "--torrent-out", torrent.toString());
      assertThat(seeded.code()).as(seeded.toString()).isZero();

      Path out = tmp.resolve("got.bin");
      List<String> get = new ArrayList<>();
      get.addAll(
          List.of(
              "--data-dir",
              tmp.resolve("client-data").toString(),
              "get",
              "--torrent",
              torrent.toString(),
              "--mode",
              "lan",
              "--peer-port",
              PEER_PORT,
              "-o",
              out.toString(),
              "--json"));
      Process process =
          new ProcessBuilder(netns.exec("cli", ChildJvm.command(FerryCommand.class.getName(), get)))
              .redirectError(tmp.resolve("client.log").toFile())
              .start();
      String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue())
          .as(printed + Files.readString(tmp.resolve("client.log")))
          .isZero();
      JsonNode got = JSON.readTree(printed);
      assertThat(got.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(got.get("bytesFromPeers").asLong()).isEqualTo(content.size());
      assertThat(got.get("bytesFromLanPeers").asLong())
          .as("a neighbour at a private address is a LAN peer")
          .isEqualTo(content.size());
    }
  }
}
