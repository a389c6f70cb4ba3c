package dev.ferry.cli;

import static dev.ferry.cli.NamespaceHosts.PEER_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.client.FerryClient;
import dev.ferry.swarm.discovery.Netns;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that yield, as LEDBAT makes DO's: ferryd serves a peer over an uplink of 16 Mbit/s whose
 * buffer holds a second (a token bucket on its side of the link, TCP's cubic in its namespace,
 * which fills such a buffer). Unpaced, the queue would grow to the buffer's second; ferryd sees the
 * round trips of its upload connection grow past the target and paces its uploads, and the peer
 * still gets the whole file. Skipped where namespaces cannot be made (not root, no iproute2).
 */
class UploadPacingEndToEndTest {
  private static final String SERVER = "10.83.1.1";

  /** The router's link toward the peer: 16 Mbit/s. */
  private static final long LINK_BYTES_PER_SECOND = 16_000_000 / 8;

  @TempDir Path tmp;
  private Path socketDir;
  private final Netns netns = new Netns();

  @BeforeEach
  void start() throws IOException {
    socketDir = TestFiles.shortTempDir("fp");
    netns.routed("srv", "10.83.1", "rtr", "cli", "10.83.2", "16mbit", "1000ms");
    netns.sysctl("srv", "net.ipv4.tcp_congestion_control", "reno");
  }

  @AfterEach
  void stop() throws IOException {
    netns.close();
    TestFiles.deleteTree(socketDir);
  }

  @Test
  void uploadsThatQueueInFrontOfTheUplinkArePacedAndThePeerStillGetsTheFile() throws Exception {
    Content content = Content.random(20L * 1024 * 1024 + 5, 311);
    Path file = Files.createDirectories(tmp.resolve("offered")).resolve("paced.bin");
    Files.write(file, content.bytes());
    Path torrent = tmp.resolve("paced.torrent");
    NamespaceHosts hosts = new NamespaceHosts(netns, tmp);

    try (Ferryd daemon = hosts.ferryd("srv", socketDir.resolve("ferryd.sock"))) {
      NamespaceHosts.seed(daemon, file, torrent);
      assertThat(FerryClient.usage(daemon.socket()).uploadPace()).as("nothing sent yet").isZero();

      Process get =
          hosts.startGet(
              "cli",
              "client",
              List.of(
                  "--torrent",
                  torrent.toString(),
                  "--peer",
                  SERVER + ":" + PEER_PORT,
                  "--peer-port",
                  PEER_PORT,
                  "-o",
                  tmp.resolve("got.bin").toString()));
      // The least pace ferryd set while the queue stood past the target.
      AtomicLong paced = new AtomicLong(Long.MAX_VALUE);
      await("ferryd paces its uploads under the link's rate")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            long pace = FerryClient.usage(daemon.socket()).uploadPace();
            if (pace > 0) {
              paced.accumulateAndGet(pace, Math::min);
            }
            return paced.get() < LINK_BYTES_PER_SECOND || !get.isAlive();
          });
      JsonNode got = hosts.record(get, "client");
      assertThat(paced.get())
          .as("uploads paced under the link's rate, so that its queue drains")
          .isLessThan(LINK_BYTES_PER_SECOND);
      assertThat(got.get("sha256").asText()).isEqualTo(content.sha256());
      // Bytes count as received (SwarmStats), so a part fetched twice counts twice; none came from
      // elsewhere.
      assertThat(got.get("bytesFromPeers").asLong()).isGreaterThanOrEqualTo(content.size());
      assertThat(got.get("bytesFromHttp").asLong()).isZero();
    }
  }
}
