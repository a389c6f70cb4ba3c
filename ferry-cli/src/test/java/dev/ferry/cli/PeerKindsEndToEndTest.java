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
import java.util.ArrayList;
import java.util.List;
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
  private static final String SERVER = "203.0.113.1";

  @TempDir Path tmp;
  private Path socketDir;
  private final Netns netns = new Netns();

  @BeforeEach
  void start() throws IOException {
    socketDir = TestFiles.shortTempDir("fk");
    netns.pair("srv", SERVER + "/24", "cli", "203.0.113.2/24");
    // The pair shares one link, where each end also has an IPv6 link-local address. ferryd's LAN
    // discovery finds the client there, and a connection over it counts as a LAN peer's: once in
    // a full run, it carried the whole download. Beyond the LAN means public IPv4 alone (and
    // ferryd and ferry get must start on a machine without IPv6: ferryd once failed to).
    for (String ns : List.of("srv", "cli")) {
      netns.sysctl(ns, "net.ipv6.conf.all.disable_ipv6", "1");
    }
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
    NamespaceHosts hosts = new NamespaceHosts(netns, tmp);

    try (Ferryd daemon = hosts.ferryd("srv", socketDir.resolve("ferryd.sock"))) {
      NamespaceHosts.seed(daemon, file, torrent);

      JsonNode internet = hosts.get("cli", "internet", args(torrent, "internet"));
      assertThat(internet.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(internet.get("bytesFromInternetPeers").asLong()).isEqualTo(content.size());
      assertThat(internet.get("bytesFromLanPeers").asLong()).isZero();
      assertThat(internet.get("bytesFromGroupPeers").asLong()).isZero();

      List<String> inGroup = args(torrent, "group");
      inGroup.addAll(List.of("--group", "5f0c8a43-2d1e-4b8a-9c31-0d2a6b7e9f10"));
      JsonNode group = hosts.get("cli", "group", inGroup);
      assertThat(group.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(group.get("bytesFromGroupPeers").asLong()).isEqualTo(content.size());
      assertThat(group.get("bytesFromInternetPeers").asLong()).isZero();

      // ferryd saw the two downloads from an address beyond its network: Internet peers, whose
      // bytes DO's monthly cap counts.
      Cli.Result perf = new Cli("--socket", daemon.socket().toString()).run("do", "perf");
      assertThat(perf.out()).contains(", to Internet peers 4.0 MiB");
    }
  }

  /** A download in {@code mode} from the server as a named peer. */
  private List<String> args(Path torrent, String mode) {
    return new ArrayList<>(
        List.of(
            "--torrent",
            torrent.toString(),
            "--mode",
            mode,
            "--peer",
            SERVER + ":" + PEER_PORT,
            "--peer-port",
            PEER_PORT,
            "-o",
            tmp.resolve(mode + ".bin").toString()));
  }
}
