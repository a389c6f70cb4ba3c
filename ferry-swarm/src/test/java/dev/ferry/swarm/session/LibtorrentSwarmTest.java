package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.swarm.Libtorrent;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.torrent.TorrentWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session against libtorrent (Debian's python3-libtorrent 2.0, through {@code
 * libtorrent-oracle.py}), on 127.0.0.1: libtorrent seeds and Ferry fetches, Ferry seeds and
 * libtorrent downloads (from the torrent file, and from the info-hash alone, which takes BEP 9
 * metadata and BEP 52 hash requests; and the other way round), and a libtorrent peer that serves a
 * damaged copy is banned while the fetch completes from a good one. Each libtorrent session named
 * here is a peer of its own (its own port and peer id) in the one oracle process.
 */
class LibtorrentSwarmTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Several pieces and a tail that is not a whole block. */
  private static final int SIZE = 3 * 1024 * 1024 + 12_345;

  private static final int PIECE = 256 * 1024;

  @TempDir static Path shared;
  private static Libtorrent libtorrent;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    libtorrent = Libtorrent.start(shared);
  }

  @AfterAll
  static void stop() throws Exception {
    if (libtorrent != null) {
      libtorrent.close();
    }
  }

  private static Swarm swarm(int port) throws Exception {
    return Swarm.start(SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(port));
  }

  @Test
  void ferryFetchesFromALibtorrentSeedWithFerrysTorrent() throws Exception {
    Path seedDir = Files.createDirectories(dir.resolve("seed"));
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, SIZE, 11);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    // libtorrent finds the file under the torrent's name, the content id.
    Files.copy(file, seedDir.resolve(torrent.name()));
    Path torrentFile = dir.resolve("ferry.torrent");
    TorrentWriter.write(torrent, torrentFile);

    fetchFromLibtorrent(torrent, torrentFile, seedDir, "seed-ferry", content);
  }

  @Test
  void ferryFetchesFromALibtorrentSeedWithLibtorrentsTorrent() throws Exception {
    Path seedDir = Files.createDirectories(dir.resolve("seed"));
    Path file = seedDir.resolve("some file.bin");
    byte[] content = SwarmFiles.write(file, SIZE, 12);
    Path torrentFile = dir.resolve("libtorrent.torrent");
    JsonNode created = libtorrent.create(file, PIECE, false, torrentFile);
    assertThat(created.path("error").isMissingNode()).as("%s", created).isTrue();
    SingleFileTorrent torrent = TorrentReader.read(torrentFile);
    assertThat(torrent.infoHash().hex()).isEqualTo(created.get("infohash").asText());

    fetchFromLibtorrent(torrent, torrentFile, seedDir, "seed-libtorrent", content);
  }

  private void fetchFromLibtorrent(
      SingleFileTorrent torrent, Path torrentFile, Path seedDir, String session, byte[] content)
      throws Exception {
    JsonNode seeding = libtorrent.seed(torrentFile, seedDir, session, false, false);
    assertThat(seeding.path("error").isMissingNode()).as("%s", seeding).isTrue();
    try (Swarm swarm = swarm(-1)) {
      TorrentSession fetching = swarm.add(torrent, LocalPieces.none());
      fetching.connect(new InetSocketAddress(LOOPBACK, seeding.get("port").asInt()));

      byte[] fetched = SwarmFiles.fetchAll(fetching);

      assertThat(fetched).isEqualTo(content);
      assertThat(fetching.stats().bytesDownloaded()).isEqualTo(SIZE);
      assertThat(fetching.stats().rejectedBytes()).isZero();
      assertThat(fetching.peers())
          .singleElement()
          .satisfies(peer -> assertThat(peer.downloaded()).isGreaterThanOrEqualTo(SIZE));
    }
  }

  @Test
  void ferryJoinsALibtorrentSeedWithOnlyTheInfoHash() throws Exception {
    Path seedDir = Files.createDirectories(dir.resolve("seed"));
    Path file = dir.resolve("content");
    // More than 512 pieces: the piece layer takes two hash requests, each proved by an uncle.
    int size = 600 * 16 * 1024 + 777;
    byte[] content = SwarmFiles.write(file, size, 16);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 16 * 1024);
    Files.copy(file, seedDir.resolve(torrent.name()));
    Path torrentFile = dir.resolve("ferry.torrent");
    TorrentWriter.write(torrent, torrentFile);
    JsonNode seeding = libtorrent.seed(torrentFile, seedDir, "seed-magnet", false, false);
    assertThat(seeding.path("error").isMissingNode()).as("%s", seeding).isTrue();
    try (Swarm swarm = swarm(-1)) {
      InetSocketAddress seed = new InetSocketAddress(LOOPBACK, seeding.get("port").asInt());

      TorrentSession fetching =
          swarm
              .addMagnet(torrent.infoHash(), LocalPieces.none(), List.of(seed))
              .get(SwarmFiles.FETCH_SECONDS, TimeUnit.SECONDS);

      assertThat(fetching.torrent().infoHash()).isEqualTo(torrent.infoHash());
      assertThat(fetching.torrent().tree().pieceLayer()).isEqualTo(torrent.tree().pieceLayer());
      assertThat(SwarmFiles.fetchAll(fetching)).isEqualTo(content);
      assertThat(fetching.stats().bytesDownloaded()).isEqualTo(size);
    }
  }

  @Test
  void libtorrentDownloadsFromFerryWithItsTorrentFile() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, SIZE, 13);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    Path torrentFile = dir.resolve("ferry.torrent");
    TorrentWriter.write(torrent, torrentFile);
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    try (Swarm swarm = swarm(0)) {
      TorrentSession seed = swarm.add(torrent, LocalPieces.ofFile(file));

      JsonNode done =
          libtorrent.download(
              torrentFile,
              downloads,
              "download-torrent",
              new InetSocketAddress(LOOPBACK, swarm.port()));

      assertThat(done.path("error").isMissingNode()).as("%s", done).isTrue();
      assertThat(Files.readAllBytes(downloads.resolve(torrent.name()))).isEqualTo(content);
      assertThat(seed.stats().bytesUploaded()).isGreaterThanOrEqualTo(SIZE);
    }
  }

  @Test
  void libtorrentDownloadsFromFerryWithOnlyTheInfoHash() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, SIZE, 14);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    try (Swarm swarm = swarm(0)) {
      TorrentSession seed = swarm.add(torrent, LocalPieces.ofFile(file));
      // BEP 52's magnet form of a v2 info-hash: multihash SHA-256 (0x12), 32 bytes (0x20).
      String magnet = "magnet:?xt=urn:btmh:1220" + torrent.infoHash().hex();

      JsonNode done =
          libtorrent.downloadMagnet(
              magnet, downloads, "download-magnet", new InetSocketAddress(LOOPBACK, swarm.port()));

      assertThat(done.path("error").isMissingNode()).as("%s", done).isTrue();
      assertThat(Files.readAllBytes(downloads.resolve(torrent.name()))).isEqualTo(content);
      assertThat(seed.stats().bytesUploaded()).isGreaterThanOrEqualTo(SIZE);
    }
  }

  @Test
  void aPeerServingADamagedCopyIsBannedAndTheFileComesFromAGoodOne() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, SIZE, 15);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    Path torrentFile = dir.resolve("ferry.torrent");
    TorrentWriter.write(torrent, torrentFile);
    Path goodDir = Files.createDirectories(dir.resolve("good"));
    Files.copy(file, goodDir.resolve(torrent.name()));
    // Every block damaged: whatever the liar sends is bad, so it cannot avoid being caught.
    Path badDir = Files.createDirectories(dir.resolve("bad"));
    byte[] damaged = content.clone();
    for (int at = 0; at < damaged.length; at += 1000) {
      damaged[at] ^= 0x5A;
    }
    Files.write(badDir.resolve(torrent.name()), damaged);

    JsonNode good = libtorrent.seed(torrentFile, goodDir, "good", false, false);
    assertThat(good.path("error").isMissingNode()).as("%s", good).isTrue();
    // Seed mode skips the check on adding; trusting every piece keeps it from checking on reads.
    JsonNode bad = libtorrent.seed(torrentFile, badDir, "bad", true, true);
    assertThat(bad.path("error").isMissingNode()).as("%s", bad).isTrue();
    InetSocketAddress badPeer = new InetSocketAddress(LOOPBACK, bad.get("port").asInt());

    try (Swarm swarm = swarm(-1)) {
      TorrentSession fetching = swarm.add(torrent, LocalPieces.none());
      fetching.connect(badPeer);
      fetching.connect(new InetSocketAddress(LOOPBACK, good.get("port").asInt()));

      byte[] fetched = SwarmFiles.fetchAll(fetching);

      assertThat(fetched).isEqualTo(content);
      SessionStats stats = fetching.stats();
      assertThat(stats.bytesDownloaded()).isEqualTo(SIZE);
      assertThat(stats.rejectedBytes()).isPositive();
      // The peers' pace took in the whole file at least (blocks of pieces given up midway count
      // too; pieces that failed do not).
      assertThat(fetching.bytesTakenIn()).isGreaterThanOrEqualTo(SIZE);
      assertThat(stats.piecesRejected()).isPositive();
      assertThat(swarm.totals().rejectedBytes()).isEqualTo(stats.rejectedBytes());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(fetching.stats().peersBanned()).isEqualTo(1));
      assertThat(fetching.peers())
          .filteredOn(PeerView::banned)
          .singleElement()
          .satisfies(peer -> assertThat(peer.address()).isEqualTo(badPeer));
      assertThat(fetching.peers())
          .filteredOn(peer -> !peer.banned())
          .allSatisfy(peer -> assertThat(peer.address()).isNotEqualTo(badPeer));
    }
  }
}
