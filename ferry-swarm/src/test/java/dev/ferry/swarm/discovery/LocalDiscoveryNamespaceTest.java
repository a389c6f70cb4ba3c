package dev.ferry.swarm.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testkit.PythonModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalDiscovery} between separate network stacks: each node is a child JVM in a network
 * namespace of its own, pairs joined by a veth link, so that announces really cross a link and
 * nothing reaches this machine's own network. Needs root and iproute2; skipped, saying so, where
 * namespaces cannot be made.
 */
class LocalDiscoveryNamespaceTest {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

  private static final Netns NETNS = new Netns();
  private static final List<NodeProcess> NODES = new ArrayList<>();

  @BeforeAll
  static void namespaces() {
    // Neighbours: one /24.
    NETNS.pair("a", "10.77.1.1/24", "b", "10.77.1.2/24");
    // Strangers on one link: two subnets.
    NETNS.pair("c", "10.77.2.1/24", "d", "10.77.3.1/24");
    // Ferry and libtorrent.
    NETNS.pair("e", "10.77.4.1/24", "f", "10.77.4.2/24");
  }

  @AfterAll
  static void cleanUp() throws InterruptedException {
    try {
      for (NodeProcess node : NODES) {
        node.close();
      }
    } finally {
      NETNS.close();
    }
  }

  @Test
  void twoNodesOnALinkFindEachOther() {
    NodeProcess a = node("a", 7001, PeerRestriction.SUBNET);
    NodeProcess b = node("b", 7002, PeerRestriction.SUBNET);
    start(a, b);

    await("each hears the other")
        .atMost(PATIENCE)
        .untilAsserted(() -> {
          assertThat(a.peers()).as(a.output()).contains(KEY + " 10.77.1.2 7002");
          assertThat(b.peers()).as(b.output()).contains(KEY + " 10.77.1.1 7001");
        });
    await("each hears itself too, and drops it by its cookie")
        .atMost(PATIENCE)
        .untilAsserted(() -> {
          assertThat(a.own()).as(a.output()).isPositive();
          assertThat(b.own()).as(b.output()).isPositive();
        });
    assertThat(a.peers()).noneMatch(p -> p.contains(" 10.77.1.1 "));
    assertThat(b.peers()).noneMatch(p -> p.contains(" 10.77.1.2 "));
  }

  @Test
  void aPeerOutsideTheSubnetsIsReportedOnlyWithTheRestrictionOff() {
    NodeProcess restricted = node("c", 7003, PeerRestriction.SUBNET);
    NodeProcess open = node("d", 7004, PeerRestriction.NONE);
    start(restricted, open);

    await("the unrestricted node reports the stranger, the restricted one drops it")
        .atMost(PATIENCE)
        .untilAsserted(() -> {
          assertThat(open.peers()).as(open.output()).contains(KEY + " 10.77.2.1 7003");
          assertThat(restricted.outsideSubnet()).as(restricted.output()).isPositive();
        });
    assertThat(restricted.peers()).noneMatch(p -> p.contains(" 10.77.3.1 "));
  }

  /**
   * libtorrent 2.0.8 (Debian's python3-libtorrent) with a v2 torrent announces its info-hash cut to
   * 20 bytes, which Ferry reads and reports; and libtorrent reads Ferry's announce of that key.
   */
  @Test
  void libtorrentAndFerryHearEachOther(@TempDir Path dir) throws IOException {
    PythonModule.require("libtorrent", "libtorrent", "python3-libtorrent");
    String v2 = "5d".repeat(16) + "e7".repeat(16);
    String truncated = v2.substring(0, 40);
    NodeProcess ferry =
        NodeProcess.start(
            "ferry",
            NETNS.exec("f", List.of()),
            List.of("7005", PeerRestriction.SUBNET.name(), "V4", truncated));
    NODES.add(ferry);
    await("Ferry listens").atMost(PATIENCE).until(ferry::ready);
    Path script = dir.resolve("libtorrent-lsd.py");
    try (InputStream in = getClass().getResourceAsStream("/libtorrent-lsd.py")) {
      Files.write(script, in.readAllBytes());
    }
    // libtorrent announces as soon as the torrent is added: Ferry already listens.
    NodeProcess libtorrent =
        NodeProcess.run(
            "libtorrent",
            NETNS.exec("e", List.of(PythonModule.PYTHON, script.toString(), "10.77.4.1", v2)));
    NODES.add(libtorrent);
    await("libtorrent starts").atMost(PATIENCE).until(() -> libtorrent.saw("LT-READY"));
    ferry.go();

    await("each reads the other's announce")
        .atMost(PATIENCE)
        .untilAsserted(() -> {
          assertThat(ferry.peers()).as(ferry.output()).contains(truncated + " 10.77.4.1 6881");
          assertThat(libtorrent.lines("LT log_alert <== LSD: 10.77.4.2:7005 ih: " + truncated))
              .as(libtorrent.output())
              .isNotEmpty();
        });
  }

  /**
   * Lets both nodes announce once both listen: a node's first announce is its only one for five
   * minutes, so one that comes before the other listens is not heard.
   */
  private static void start(NodeProcess one, NodeProcess other) {
    await("both listen")
        .atMost(PATIENCE)
        .untilAsserted(() -> {
          assertThat(one.ready()).as(one.output()).isTrue();
          assertThat(other.ready()).as(other.output()).isTrue();
        });
    one.go();
    other.go();
  }

  /** A node in namespace {@code ns} announcing {@link #KEY} on IPv4 and IPv6. */
  private static NodeProcess node(String ns, int port, PeerRestriction restriction) {
    NodeProcess node =
        NodeProcess.start(
            ns,
            NETNS.exec(ns, List.of()),
            List.of(Integer.toString(port), restriction.name(), "BOTH", KEY));
    NODES.add(node);
    return node;
  }
}
