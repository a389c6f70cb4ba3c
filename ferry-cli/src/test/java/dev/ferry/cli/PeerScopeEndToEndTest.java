package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.swarm.Opentracker;
import dev.ferry.swarm.content.SwarmKey;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.tracker.AnnounceEvent;
import dev.ferry.swarm.tracker.AnnounceRequest;
import dev.ferry.swarm.tracker.Progress;
import dev.ferry.swarm.tracker.Tracker;
import dev.ferry.swarm.tracker.TrackerSettings;
import dev.ferry.swarm.tracker.Trackers;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download's own Group ID and trackers (GROUP_ID, TRACKERS; issue 19: "a GUID set per machine or
 * per download"), through ferryd, with real processes: ferryd A, whose machine is in group G and
 * announces to a real opentracker, offers a file; ferryd B, whose machine names no group and no
 * tracker, runs {@code ferry get --group G --tracker T} (group mode) beside a slow origin and has
 * bytes from A, found through the tracker its download named under the key its download's group
 * derives. The same download in group G2 finds no one: the origin sends it all.
 */
class PeerScopeEndToEndTest {
  private static final int PIECE = 256 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private PeerTestbed bed;
  private TestOrigin origin;

  @BeforeEach
  void start() throws IOException {
    bed = PeerTestbed.start(tmp, "fs");
    origin = bed.origin;
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void aDownloadThroughFerrydFindsPeersByTheGroupAndTrackerItNamesItself() throws Exception {
    Content content = Content.random(3L * 1024 * 1024 + 4321, 197);
    // One path per download, so that the origin's count is each one's.
    for (String path : List.of("/outsider.bin", "/member.bin")) {
      origin.put(path, content);
      origin.fault(path, Fault.throttle(512 * 1024));
    }
    Path file = Files.createDirectories(tmp.resolve("offered")).resolve("scoped.bin");
    Files.write(file, content.bytes());
    Path torrent = tmp.resolve("scoped.torrent");
    InfoHash hash = bed.canonical(file, torrent, PIECE).infoHash();
    UUID group = UUID.fromString("3c6e0b8a-9f1d-4e2b-8a7c-5d4e3f2a1b0c");
    UUID otherGroup = UUID.fromString("9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
    int portA = PeerTestbed.freePort();

    try (Opentracker tracker =
            Opentracker.start(
                tmp.resolve("tracker"),
                List.of(SwarmKey.forGroup(group, hash), SwarmKey.forGroup(otherGroup, hash)));
        Ferryd a =
            Cli.ferryd(bed.socketDir.resolve("a.sock"), tmp.resolve("data-a"))
                .options(
                    "--peer-port",
                    Integer.toString(portA),
                    "--download-mode",
                    "group",
                    "--group-id",
                    group.toString(),
                    "--tracker",
                    tracker.http().toString(),
                    "--no-local-discovery")
                .start();
        // The machine's DO settings at their defaults (no ferryd.json): LAN mode, no Group ID,
        // no tracker; and no BEP 14, so that the download's tracker is its only way to A.
        Ferryd b =
            Cli.ferryd(bed.socketDir.resolve("b.sock"), tmp.resolve("data-b"))
                .options(
                    "--peer-port", Integer.toString(PeerTestbed.freePort()), "--no-local-discovery")
                .start()) {
      assertThat(tmp.resolve("data-b").resolve("ferryd.json")).doesNotExist();
      Cli throughA = new Cli("--socket", a.socket().toString());
      Cli.Result seeded =
          throughA.run("do", "seed", file.toString(), "--torrent", torrent.toString());
      assertThat(seeded.code()).as(seeded.toString()).isZero();
      awaitAnnounced(tracker, SwarmKey.forGroup(group, hash), portA);
      Cli throughB = new Cli("--socket", b.socket().toString());

      // Another group first, so that no session of B's knows A yet: A sends nothing, the origin
      // all.
      JsonNode outsider =
          get(
              throughB,
              "outsider.bin",
              origin.url("/outsider.bin"),
              "--torrent",
              torrent.toString(),
              "--mode",
              "group",
              "--group",
              otherGroup.toString(),
              "--tracker",
              tracker.http().toString());
      assertThat(outsider.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(outsider.get("bytesFromPeers").asLong()).isZero();
      assertThat(outsider.get("bytesFromHttp").asLong()).isGreaterThanOrEqualTo(content.size());
      assertThat(uploadedBy(throughA)).as("A served the other group").isZero();
      assertThat(origin.bytesServed("/outsider.bin")).isGreaterThanOrEqualTo(content.size());

      // Group G, the download's own (B's machine has none): A serves beside the slow origin.
      JsonNode member =
          get(
              throughB,
              "member.bin",
              origin.url("/member.bin"),
              "--torrent",
              torrent.toString(),
              "--group",
              group.toString(),
              "--tracker",
              tracker.udp().toString());
      assertThat(member.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(uploadedBy(throughA)).as("A served B").isPositive();
      // Through ferryd too, the record says where the bytes came from: A, on loopback, is a LAN
      // peer.
      assertThat(member.get("bytesFromPeers").asLong()).isPositive();
      assertThat(member.get("bytesFromLanPeers").asLong())
          .isEqualTo(member.get("bytesFromPeers").asLong());
      assertThat(origin.bytesServed("/member.bin")).isLessThan(content.size());
    }
  }

  /** What the daemon's one seed has sent to peers. */
  private static long uploadedBy(Cli ferry) throws IOException {
    Cli.Result listed = ferry.run("do", "seeds", "--json");
    assertThat(listed.code()).as(listed.toString()).isZero();
    JsonNode seeds = JSON.readTree(listed.out());
    assertThat(seeds).hasSize(1);
    return seeds.get(0).get("bytesUploaded").asLong();
  }

  /** Waits until {@code tracker} gives the peer on {@code port} for {@code key}. */
  private static void awaitAnnounced(Opentracker tracker, SwarmKey key, int port) {
    try (Trackers trackers = new Trackers(TrackerSettings.defaults())) {
      Tracker client = trackers.open(tracker.http());
      AnnounceRequest ask =
          new AnnounceRequest(
              key, PeerId.random(), 1, new Progress(0, 0, 1), AnnounceEvent.NONE, 50, 7);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.announce(ask).peers().stream().anyMatch(p -> p.getPort() == port));
    }
  }

  /** {@code ferry get --json} through {@code ferry}'s daemon, into {@code name}: its record. */
  private JsonNode get(Cli ferry, String name, String... args) throws IOException {
    Path out = tmp.resolve(name);
    List<String> all = new java.util.ArrayList<>(List.of("get", "--json"));
    all.addAll(List.of(args));
    all.addAll(List.of("-o", out.toString()));
    Cli.Result result = ferry.run(all.toArray(String[]::new));
    assertThat(result.code()).as(result.toString()).isZero();
    return JSON.readTree(result.out());
  }
}
