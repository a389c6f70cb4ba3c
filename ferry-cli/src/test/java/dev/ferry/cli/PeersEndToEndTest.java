package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.client.FerryClient;
import dev.ferry.swarm.Libtorrent;
import dev.ferry.swarm.source.ContentDescriptions;
import dev.ferry.swarm.source.Magnet;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers end to end, with real processes: libtorrent (Debian's python3-libtorrent, through the
 * oracle of ferry-swarm's tests) seeds and fetches, {@code ferry get} downloads through the
 * embedded engine, ferryd seeds and survives a SIGKILL. Every file is compared byte for byte.
 */
class PeersEndToEndTest {
  private static final int PIECE = 256 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private PeerTestbed bed;
  private Libtorrent libtorrent;
  private TestOrigin origin;
  private Path socketDir;

  @BeforeEach
  void start() throws IOException {
    bed = PeerTestbed.start(tmp, "fp");
    libtorrent = bed.libtorrent;
    origin = bed.origin;
    socketDir = bed.socketDir;
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  /** {@code content} written to {@code name} in a directory of its own. */
  private Path write(String dir, String name, Content content) throws IOException {
    Path file = Files.createDirectories(tmp.resolve(dir)).resolve(name);
    Files.write(file, content.bytes());
    return file;
  }

  /** Ferry's canonical torrent of {@code file}, written by {@code ferry do hash --torrent}. */
  private SingleFileTorrent canonical(Path file, Path torrent) throws IOException {
    return bed.canonical(file, torrent, PIECE);
  }

  /** libtorrent seeds {@code torrent} from {@code dir} in session {@code name}: its address. */
  private InetSocketAddress seed(Path torrent, Path dir, String name, boolean liar) {
    JsonNode seeded = libtorrent.seed(torrent, dir, name, liar, liar);
    assertThat(seeded.has("port")).as(seeded.toString()).isTrue();
    return new InetSocketAddress("127.0.0.1", seeded.get("port").asInt());
  }

  /** {@code ferry get} in the embedded engine of a data directory of its own: its --json record. */
  private JsonNode get(String name, String... args) throws IOException {
    Cli ferry = new Cli("--data-dir", tmp.resolve("data-" + name).toString());
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 1, args.length);
    all[0] = "get";
    all[args.length + 1] = "-o";
    all[args.length + 2] = tmp.resolve(name).toString();
    all[args.length + 3] = "--json";
    all[args.length + 4] = "--peer-port";
    all[args.length + 5] = "0";
    Cli.Result result = ferry.run(all);
    assertThat(result.code()).as(result.toString()).isZero();
    return JSON.readTree(result.out());
  }

  private static String peer(InetSocketAddress address) {
    return "127.0.0.1:" + address.getPort();
  }

  @Test
  void libtorrentSeedsAndFerryGetsTheFileFromPeersAloneByEitherTorrentOrTheMagnetLink()
      throws Exception {
    Content content = Content.random(3L * 1024 * 1024 + 12_345, 171);
    Path own = write("lt-own", "payload.bin", content);
    Path ownTorrent = tmp.resolve("libtorrent.torrent");
    assertThat(libtorrent.create(own, PIECE, false, ownTorrent).has("error")).isFalse();
    InetSocketAddress first = seed(ownTorrent, own.getParent(), "own", false);

    JsonNode fromOwn =
        get("from-own.bin", "--torrent", ownTorrent.toString(), "--peer", peer(first));
    assertThat(fromOwn.get("sha256").asText()).isEqualTo(content.sha256());
    assertThat(fromOwn.get("bytesFromPeers").asLong()).isEqualTo(content.size());
    assertThat(fromOwn.get("bytesFromHttp").asLong()).isZero();

    // Ferry's description of the same content: the canonical torrent, whose file is named after
    // the content id, which is what libtorrent seeds it from.
    Path ferryTorrent = tmp.resolve("ferry.torrent");
    SingleFileTorrent canonical = canonical(own, ferryTorrent);
    write("lt-canonical", canonical.fileName(), content);
    InetSocketAddress second = seed(ferryTorrent, tmp.resolve("lt-canonical"), "canonical", false);

    JsonNode fromFerrys =
        get("from-ferrys.bin", "--torrent", ferryTorrent.toString(), "--peer", peer(second));
    assertThat(fromFerrys.get("sha256").asText()).isEqualTo(content.sha256());
    assertThat(fromFerrys.get("bytesFromPeers").asLong()).isEqualTo(content.size());
    String magnet = Magnet.of(canonical.infoHash(), canonical.fileName()).toString();
    assertThat(fromFerrys.get("files").get(0).get("url").asText()).isEqualTo(magnet);

    // The magnet link alone: the torrent (BEP 9's metadata, BEP 52's piece layer) comes from
    // libtorrent too.
    JsonNode fromMagnet = get("from-magnet.bin", magnet, "--peer", peer(second));
    assertThat(fromMagnet.get("sha256").asText()).isEqualTo(content.sha256());
    assertThat(fromMagnet.get("bytesFromPeers").asLong()).isEqualTo(content.size());
  }

  @Test
  void ferrydSeedsAndLibtorrentFetchesByTheTorrentAndByTheInfoHashAlone() throws Exception {
    Content content = Content.random(2L * 1024 * 1024 + 777, 172);
    Path file = write("offered", "offered.bin", content);
    int peerPort = PeerTestbed.freePort();
    Path socket = socketDir.resolve("ferryd.sock");
    try (Ferryd daemon =
        Cli.ferryd(socket, tmp.resolve("daemon-data"))
            .options("--peer-port", Integer.toString(peerPort))
            .start()) {
      Cli ferry = new Cli("--socket", socket.toString());
      Path torrent = tmp.resolve("offered.torrent");
      Cli.Result seeded =
          ferry.run(
              "do",
              "seed",
              file.toString(),
              "--piece-size",
              Integer.toString(PIECE),
              "--torrent-out",
              torrent.toString(),
              "--json");
      assertThat(seeded.code()).as(seeded.toString()).isZero();
      JsonNode seed = JSON.readTree(seeded.out());
      SingleFileTorrent described = TorrentReader.read(torrent);
      assertThat(seed.get("infoHash").asText()).isEqualTo(described.infoHash().hex());
      InetSocketAddress ferryd = new InetSocketAddress("127.0.0.1", peerPort);

      Path byTorrent = Files.createDirectories(tmp.resolve("by-torrent"));
      JsonNode done = libtorrent.download(torrent, byTorrent, "by-torrent", ferryd);
      assertThat(done.has("error")).as(done.toString()).isFalse();
      assertThat(PeerTestbed.sha256(byTorrent.resolve(described.fileName())))
          .isEqualTo(content.sha256());

      // Only the info-hash: the metadata (BEP 9) and the piece layer (BEP 52's hash requests)
      // come from ferryd.
      Path byMagnet = Files.createDirectories(tmp.resolve("by-magnet"));
      done = libtorrent.downloadMagnet(seed.get("magnet").asText(), byMagnet, "by-magnet", ferryd);
      assertThat(done.has("error")).as(done.toString()).isFalse();
      assertThat(PeerTestbed.sha256(byMagnet.resolve(described.fileName())))
          .isEqualTo(content.sha256());

      JsonNode listed = JSON.readTree(ferry.run("do", "seeds", "--json").out());
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).get("bytesUploaded").asLong())
          .as("both downloads came from ferryd")
          .isGreaterThanOrEqualTo(2 * content.size());
      // What was sent counts in the month's uploads, which do perf shows beside the cap.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> ferry.run("do", "perf").out(),
              out ->
                  out.contains("Uploaded to peers this month: ")
                      && !out.contains("Uploaded to peers this month: 0.0 MiB"));
      assertThat(ferry.run("do", "perf").out()).contains("(no monthly cap)");
      assertThat(ferry.run("do", "unseed", file.toString()).code()).isZero();
      assertThat(JSON.readTree(ferry.run("do", "seeds", "--json").out())).isEmpty();
    }
  }

  @Test
  void aMixedSwarmAndTheOriginShareOneFileAsTheCountersSay() throws Exception {
    Content content = Content.random(12L * 1024 * 1024 + 4321, 173);
    origin.put("/mixed.bin", content);
    // A slow origin, so that the peers' share is not left to chance.
    origin.fault("/mixed.bin", Fault.throttle(4 * 1024 * 1024));
    Path file = write("mixed-src", "mixed.bin", content);
    Path torrent = tmp.resolve("mixed.torrent");
    SingleFileTorrent canonical = canonical(file, torrent);
    write("mixed-a", canonical.fileName(), content);
    write("mixed-b", canonical.fileName(), content);
    InetSocketAddress a = seed(torrent, tmp.resolve("mixed-a"), "mixed-a", false);
    InetSocketAddress b = seed(torrent, tmp.resolve("mixed-b"), "mixed-b", false);

    JsonNode got =
        get(
            "mixed.bin",
            origin.url("/mixed.bin"),
            "--torrent",
            torrent.toString(),
            "--peer",
            peer(a),
            "--peer",
            peer(b));
    assertThat(got.get("sha256").asText()).isEqualTo(content.sha256());
    long http = got.get("bytesFromHttp").asLong();
    long peers = got.get("bytesFromPeers").asLong();
    assertThat(peers).as("peers served").isPositive();
    assertThat(http + peers).as("every byte counted once").isEqualTo(content.size());
    assertThat(origin.bytesServed("/mixed.bin"))
        .as("the origin sent no fewer bytes than were counted from it")
        .isGreaterThanOrEqualTo(http);
  }

  @Test
  void aPeerServingCorruptPiecesIsCaughtAndTheFileComesWholeFromTheOthers() throws Exception {
    Content content = Content.random(4L * 1024 * 1024, 174);
    Path file = write("liar-src", "liar.bin", content);
    Path torrent = tmp.resolve("liar.torrent");
    SingleFileTorrent canonical = canonical(file, torrent);
    byte[] damaged = content.bytes();
    for (int piece = 0; piece < damaged.length / PIECE; piece++) {
      // Every piece but the last is wrong in one byte of its second block.
      if (piece < damaged.length / PIECE - 1) {
        damaged[piece * PIECE + 16 * 1024 + 7] ^= 0x55;
      }
    }
    Path liarDir = Files.createDirectories(tmp.resolve("liar"));
    Files.write(liarDir.resolve(canonical.fileName()), damaged);
    write("honest", canonical.fileName(), content);
    InetSocketAddress liar = seed(torrent, liarDir, "liar", true);
    InetSocketAddress honest = seed(torrent, tmp.resolve("honest"), "honest", false);

    JsonNode got =
        get(
            "liar.bin",
            "--torrent",
            torrent.toString(),
            "--peer",
            peer(liar),
            "--peer",
            peer(honest));
    assertThat(got.get("sha256").asText()).isEqualTo(content.sha256());
    assertThat(got.get("files").get(0).get("piecesRejected").asInt())
        .as("the liar's pieces were caught and counted")
        .isPositive();
  }

  @Test
  void ferrydKilledInAPeerDownloadResumesFromTheVerifiedPieces() throws Exception {
    Content content = Content.random(16L * 1024 * 1024, 175);
    Path file = write("slow-src", "slow.bin", content);
    Path torrent = tmp.resolve("slow.torrent");
    SingleFileTorrent canonical = canonical(file, torrent);
    write("slow-seed", canonical.fileName(), content);
    JsonNode seeded =
        libtorrent.seedLimited(torrent, tmp.resolve("slow-seed"), "slow", 2 * 1024 * 1024);
    assertThat(seeded.has("port")).as(seeded.toString()).isTrue();
    String peer = "127.0.0.1:" + seeded.get("port").asInt();
    Path socket = socketDir.resolve("ferryd.sock");
    Path data = tmp.resolve("crash-data");
    Path target = tmp.resolve("slow.bin");
    java.util.UUID id;
    Ferryd daemon = Cli.ferryd(socket, data).options("--peer-port", "0").start();
    try (daemon;
        BackgroundCopyManager manager = FerryClient.connect(socket)) {
      BackgroundCopyJob job = manager.createJob("from peers");
      job.setPriority(JobPriority.FOREGROUND);
      job.setProperty(
          JobPropertyId.CONTENT_DESCRIPTION,
          new JobPropertyValue.Text(ContentDescriptions.encode(canonical)));
      job.setProperty(JobPropertyId.PEERS, new JobPropertyValue.Text(peer));
      job.addFile(
          Magnet.of(canonical.infoHash(), canonical.fileName()).toString(), target.toString());
      job.resume();
      id = job.id();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> job.progress().bytesTransferred() >= 8L * 1024 * 1024);
      daemon.kill();
    }
    try (Ferryd restarted = Cli.ferryd(socket, data).options("--peer-port", "0").start();
        BackgroundCopyManager manager = FerryClient.connect(socket)) {
      BackgroundCopyJob job = manager.getJob(id);
      // At 2 MB/s the seed cannot have sent this much since the restart: it was kept.
      assertThat(job.progress().bytesTransferred())
          .as("the pieces verified before the kill")
          .isGreaterThanOrEqualTo(4L * 1024 * 1024);
      await().atMost(Duration.ofMinutes(2)).until(() -> job.state() == JobState.TRANSFERRED);
      job.complete();
    }
    assertThat(PeerTestbed.sha256(target)).isEqualTo(content.sha256());
  }
}
