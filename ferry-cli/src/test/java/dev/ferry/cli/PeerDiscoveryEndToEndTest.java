package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.swarm.Libtorrent;
import dev.ferry.swarm.Opentracker;
import dev.ferry.swarm.content.SwarmKey;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
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
 * Peers found rather than named (issue 19), with real processes: ferryd and libtorrent announce to
 * a real opentracker, and {@code ferry get} finds them through it as its DownloadMode allows, or
 * does not. The origin is slow, so that a download that could find peers would have them serve: a
 * download that shows no bytes from peers found none.
 */
class PeerDiscoveryEndToEndTest {
  private static final int PIECE = 256 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private PeerTestbed bed;
  private Libtorrent libtorrent;
  private TestOrigin origin;
  private Path socketDir;

  @BeforeEach
  void start() throws IOException {
    bed = PeerTestbed.start(tmp, "fd");
    libtorrent = bed.libtorrent;
    origin = bed.origin;
    socketDir = bed.socketDir;
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void aGroupFindsItsPeersThroughATrackerAndOtherGroupsAndHttpOnlyDoNot() throws Exception {
    Content content = Content.random(3L * 1024 * 1024 + 1234, 191);
    origin.put("/grouped.bin", content);
    origin.fault("/grouped.bin", Fault.throttle(512 * 1024));
    Path file = Files.createDirectories(tmp.resolve("offered")).resolve("grouped.bin");
    Files.write(file, content.bytes());
    Path torrent = tmp.resolve("grouped.torrent");
    InfoHash hash = canonical(file, torrent).infoHash();
    UUID groupA = UUID.fromString("6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70");
    UUID groupB = UUID.fromString("0b9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f");

    try (Opentracker tracker =
            Opentracker.start(
                tmp.resolve("tracker"),
                List.of(
                    SwarmKey.forGroup(groupA, hash),
                    SwarmKey.forGroup(groupB, hash),
                    SwarmKey.of(hash)));
        Ferryd daemon =
            Cli.ferryd(socketDir.resolve("ferryd.sock"), tmp.resolve("daemon-data"))
                .options(
                    "--peer-port",
                    Integer.toString(PeerTestbed.freePort()),
                    "--download-mode",
                    "group",
                    "--group-id",
                    groupA.toString(),
                    "--tracker",
                    tracker.http().toString(),
                    "--no-local-discovery")
                .start()) {
      Cli ferry = new Cli("--socket", daemon.socket().toString());
      Cli.Result seeded = ferry.run("do", "seed", file.toString(), "--torrent", torrent.toString());
      assertThat(seeded.code()).as(seeded.toString()).isZero();

      // Group A's member finds ferryd (no --peer), which serves beside the slow origin. The
      // downloads below find no one in the same conditions.
      JsonNode member =
          get(
              "member.bin",
              origin.url("/grouped.bin"),
              "--torrent",
              torrent.toString(),
              "--group",
              groupA.toString(),
              "--tracker",
              tracker.udp().toString());
      assertThat(member.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(member.get("bytesFromPeers").asLong()).as("ferryd served").isPositive();
      assertThat(member.get("bytesFromPeers").asLong() + member.get("bytesFromHttp").asLong())
          .isEqualTo(content.size());

      // Group B's member and an HTTP-only download never learn of ferryd: the origin sends all.
      JsonNode outsider =
          get(
              "outsider.bin",
              origin.url("/grouped.bin"),
              "--torrent",
              torrent.toString(),
              "--group",
              groupB.toString(),
              "--tracker",
              tracker.http().toString());
      assertThat(outsider.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(outsider.get("bytesFromPeers").asLong()).isZero();
      assertThat(outsider.get("bytesFromHttp").asLong()).isEqualTo(content.size());
      JsonNode httpOnly =
          get(
              "http-only.bin",
              origin.url("/grouped.bin"),
              "--torrent",
              torrent.toString(),
              "--mode",
              "http",
              "--tracker",
              tracker.http().toString());
      assertThat(httpOnly.get("bytesFromPeers").asLong()).isZero();

      // The public swarm: a libtorrent seed that announced itself is found in Internet mode.
      SingleFileTorrent described = TorrentReader.read(torrent);
      Path ltDir = Files.createDirectories(tmp.resolve("lt"));
      Files.write(ltDir.resolve(described.fileName()), content.bytes());
      JsonNode seededByLt = libtorrent.seedAnnouncing(torrent, ltDir, "lt-public", tracker.http());
      assertThat(seededByLt.has("port")).as(seededByLt.toString()).isTrue();
      awaitAnnounced(tracker, SwarmKey.of(hash), seededByLt.get("port").asInt());
      JsonNode public_ =
          get(
              "public.bin",
              "--torrent",
              torrent.toString(),
              "--mode",
              "internet",
              "--tracker",
              tracker.http().toString());
      assertThat(public_.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(public_.get("bytesFromPeers").asLong())
          .as("libtorrent, found through the tracker, served it all")
          .isEqualTo(content.size());
    }
  }

  /**
   * Waits until {@code tracker} gives the peer on {@code port} for {@code key}: libtorrent
   * announces in the background once it seeds.
   */
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

  /** Ferry's canonical torrent of {@code file}, written by {@code ferry do hash --torrent}. */
  private SingleFileTorrent canonical(Path file, Path torrent) throws IOException {
    return bed.canonical(file, torrent, PIECE);
  }

  /** {@code ferry get} in the embedded engine of a data directory of its own: its --json record. */
  private JsonNode get(String name, String... args) throws IOException {
    Cli ferry = new Cli("--data-dir", tmp.resolve("data-" + name).toString());
    List<String> all = new java.util.ArrayList<>(List.of("get"));
    all.addAll(List.of(args));
    all.addAll(List.of("-o", tmp.resolve(name).toString(), "--json", "--peer-port", "0"));
    Cli.Result result = ferry.run(all.toArray(String[]::new));
    assertThat(result.code()).as(result.toString()).isZero();
    return JSON.readTree(result.out());
  }
}
