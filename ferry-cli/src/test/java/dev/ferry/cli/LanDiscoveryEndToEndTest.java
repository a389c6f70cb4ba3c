package dev.ferry.cli;

import static dev.ferry.cli.NamespaceHosts.PEER_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.swarm.discovery.Netns;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    NamespaceHosts hosts = new NamespaceHosts(netns, tmp);

    try (Ferryd daemon = hosts.ferryd("srv", socketDir.resolve("ferryd.sock"))) {
      NamespaceHosts.seed(daemon, file, torrent);
      JsonNode got =
          hosts.get(
              "cli",
              "client",
              List.of(
                  "--torrent",
                  torrent.toString(),
                  "--mode",
                  "lan",
                  "--peer-port",
                  PEER_PORT,
                  "-o",
                  tmp.resolve("got.bin").toString()));
      assertThat(got.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(got.get("bytesFromPeers").asLong()).isEqualTo(content.size());
      assertThat(got.get("bytesFromLanPeers").asLong())
          .as("a neighbour at a private address is a LAN peer")
          .isEqualTo(content.size());
    }
  }
}
