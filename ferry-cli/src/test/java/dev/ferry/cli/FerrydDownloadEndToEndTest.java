package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host of the fleet as Delivery Optimization runs one (bench/run swarm's daemon way): ferryd runs
 * first, {@code ferry get URL --torrent T ... --json} runs through it, and the same ferryd serves
 * the content to peers during the download and on after it, from its cache for peers. Real ferryd
 * processes on loopback, a real origin, real sockets; the client is {@code ferry} in-process.
 */
class FerrydDownloadEndToEndTest {
  private static final int PIECE = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private PeerTestbed bed;
  private TestOrigin origin;

  @BeforeEach
  void start() throws IOException {
    bed = PeerTestbed.start(tmp, "fg");
    origin = bed.origin;
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void getsPeerOptionsReachFerrydsDownloadAndItsRecordSaysWhereTheBytesCameFrom() throws Exception {
    Content content = Content.random(3L * 1024 * 1024 + 1234, 231);
    // One path per download, so that the origin's count is each one's; slow, so that the peer's
    // share is not left to chance.
    for (String path : List.of("/mixed.bin", "/http.bin")) {
      origin.put(path, content);
      origin.fault(path, Fault.throttle(512 * 1024));
    }
    Path file = Files.createDirectories(tmp.resolve("offered")).resolve("offered.bin");
    Files.write(file, content.bytes());
    Path torrent = tmp.resolve("offered.torrent");
    bed.canonical(file, torrent, PIECE);
    int seederPort = PeerTestbed.freePort();
    String seeder = "127.0.0.1:" + seederPort;

    try (Ferryd a =
            Cli.ferryd(bed.socketDir.resolve("a.sock"), tmp.resolve("data-a"))
                .options("--peer-port", Integer.toString(seederPort), "--no-local-discovery")
                .start();
        Ferryd b =
            Cli.ferryd(bed.socketDir.resolve("b.sock"), tmp.resolve("data-b"))
                .options(
                    "--peer-port", Integer.toString(PeerTestbed.freePort()), "--no-local-discovery")
                .start()) {
      Cli throughA = new Cli("--socket", a.socket().toString());
      Cli.Result seeded =
          throughA.run("do", "seed", file.toString(), "--torrent", torrent.toString());
      assertThat(seeded.code()).as(seeded.toString()).isZero();
      Cli throughB = new Cli("--socket", b.socket().toString());

      // --peer names A to B's download: B's machine has no peer of its own, and no BEP 14.
      JsonNode mixed =
          get(
              throughB,
              "mixed.bin",
              origin.url("/mixed.bin"),
              "--torrent",
              torrent.toString(),
              "--peer",
              seeder);
      assertThat(mixed.get("sha256").asText()).isEqualTo(content.sha256());
      long http = mixed.get("bytesFromHttp").asLong();
      long peers = mixed.get("bytesFromPeers").asLong();
      assertThat(peers).as("A served B's download").isPositive();
      // A, on loopback, is a LAN peer.
      assertThat(mixed.get("bytesFromLanPeers").asLong()).isEqualTo(peers);
      assertThat(http + peers).as("every byte counted once").isEqualTo(content.size());
      assertThat(origin.bytesServed("/mixed.bin"))
          .as("the origin sent no fewer bytes than were counted from it")
          .isGreaterThanOrEqualTo(http);
      long uploaded = uploadedBy(throughA);
      assertThat(uploaded).as("what A sent").isGreaterThanOrEqualTo(peers);
      assertThat(b.log()).as("the download ran in B").contains("job completed");

      // --mode http keeps peers out of the same download through ferryd, --peer or not.
      JsonNode httpOnly =
          get(
              throughB,
              "http.bin",
              origin.url("/http.bin"),
              "--torrent",
              torrent.toString(),
              "--peer",
              seeder,
              "--mode",
              "http");
      assertThat(httpOnly.get("sha256").asText()).isEqualTo(content.sha256());
      assertThat(httpOnly.get("bytesFromPeers").asLong()).isZero();
      assertThat(httpOnly.get("bytesFromHttp").asLong()).isEqualTo(content.size());
      assertThat(uploadedBy(throughA)).as("A sent nothing more").isEqualTo(uploaded);
    }
  }

  @Test
  void ferrydServesAPeerConnectedDuringItsDownloadOnAfterTheDownloadEnds() throws Exception {
    Content content = Content.random(2L * 1024 * 1024 + 4321, 232);
    byte[] bytes = content.bytes();
    origin.put("/served.bin", content);
    // Slow until the test's peer has had a block, so that the download cannot end before.
    origin.fault("/served.bin", Fault.throttle(32 * 1024));
    Path source = Files.createDirectories(tmp.resolve("src")).resolve("served.bin");
    Files.write(source, bytes);
    Path torrent = tmp.resolve("served.torrent");
    SingleFileTorrent described = bed.canonical(source, torrent, PIECE);
    int port = PeerTestbed.freePort();
    Path data = tmp.resolve("data");
    // The machine's settings file, as the fleet's harness writes it: DO keeps only files of
    // DOMinFileSizeToCache (50 MB by default) for peers, and this one is 2 MiB.
    Cli.Result set =
        new Cli("--data-dir", data.toString())
            .run("do", "config", "set", "DOMinFileSizeToCache", "1");
    assertThat(set.code()).as(set.toString()).isZero();

    try (Ferryd daemon =
        Cli.ferryd(bed.socketDir.resolve("d.sock"), data)
            .options("--peer-port", Integer.toString(port), "--no-local-discovery")
            .start()) {
      Cli ferry = new Cli("--socket", daemon.socket().toString());
      Path out = tmp.resolve("served.bin");
      CompletableFuture<Cli.Result> get =
          CompletableFuture.supplyAsync(() ->
              ferry.run(
                  "get",
                  origin.url("/served.bin"),
                  "--torrent",
                  torrent.toString(),
                  "--json",
                  "-q",
                  "--peer-port",
                  "0",
                  "-o",
                  out.toString()));
      // ferryd's session for the content exists once the download began: until then ferryd
      // closes a connection for it after the handshake.
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
      AtomicReference<WirePeer> connected = new AtomicReference<>();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            assertThat(get).as("the download ended before a peer could join").isNotDone();
            Optional<WirePeer> peer = WirePeer.connect(at, described);
            peer.ifPresent(connected::set);
            return peer.isPresent();
          });
      try (WirePeer peer = connected.get()) {
        // During the download: a piece ferryd has verified so far.
        await().atMost(Duration.ofMinutes(2)).until(() -> !peer.theirPieces().isEmpty());
        assertThat(get).isNotDone();
        int early = peer.theirPieces().nextSetBit(0);
        byte[] served = peer.piece(early);
        assertThat(served).isEqualTo(piece(bytes, early));
        origin.clearFaults("/served.bin");

        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> {
              assertThat(peer.connected()).as("the connection outlived the download").isTrue();
              peer.keepAlive();
              return get.isDone();
            });
        Cli.Result done = get.join();
        assertThat(done.code()).as(done.toString()).isZero();
        assertThat(done.err())
            .as("the embedded engine's port is not ferryd's")
            .contains("--peer-port 0 is not used: ferryd serves peers on its own port");
        JsonNode record = JSON.readTree(done.out());
        assertThat(record.get("sha256").asText()).isEqualTo(content.sha256());
        // The piece ferryd verified first may be the file's short last one.
        assertThat(record.get("bytesToPeers").asLong())
            .as("the piece served during the download counts as the file's upload")
            .isGreaterThanOrEqualTo(served.length);
        assertThat(record.get("bytesToLanPeers").asLong())
            .as("the test's peer, on loopback, is a LAN peer")
            .isEqualTo(record.get("bytesToPeers").asLong());
        assertThat(daemon.log()).contains("job completed");

        // After it: the job is complete, its file the user's; the same connection gets every
        // piece, from ferryd's cache for peers.
        assertThat(peer.connected()).as("the connection outlived the download").isTrue();
        int pieces = (bytes.length + PIECE - 1) / PIECE;
        BitSet all = new BitSet();
        all.set(0, pieces);
        await().atMost(Duration.ofMinutes(1)).until(() -> peer.theirPieces().equals(all));
        for (int piece = 0; piece < pieces; piece++) {
          assertThat(peer.piece(piece)).as("piece %d", piece).isEqualTo(piece(bytes, piece));
        }
        assertThat(peer.connected()).isTrue();
      }
      Cli.Result listed = ferry.run("do", "cache", "--json");
      assertThat(listed.code()).as(listed.toString()).isZero();
      JsonNode cached = JSON.readTree(listed.out());
      assertThat(cached).hasSize(1);
      assertThat(cached.get(0).get("infoHash").asText()).isEqualTo(described.infoHash().hex());
    }
  }

  private static byte[] piece(byte[] bytes, int piece) {
    int start = piece * PIECE;
    return Arrays.copyOfRange(bytes, start, Math.min(bytes.length, start + PIECE));
  }

  /** What the daemon's one seed has sent to peers. */
  private static long uploadedBy(Cli ferry) throws IOException {
    Cli.Result listed = ferry.run("do", "seeds", "--json");
    assertThat(listed.code()).as(listed.toString()).isZero();
    JsonNode seeds = JSON.readTree(listed.out());
    assertThat(seeds).hasSize(1);
    return seeds.get(0).get("bytesUploaded").asLong();
  }

  /** {@code ferry get --json} through {@code ferry}'s daemon, into {@code name}: its record. */
  private JsonNode get(Cli ferry, String name, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("get", "--json", "-q"));
    all.addAll(List.of(args));
    all.addAll(List.of("-o", tmp.resolve(name).toString()));
    Cli.Result result = ferry.run(all.toArray(String[]::new));
    assertThat(result.code()).as(result.toString()).isZero();
    return JSON.readTree(result.out());
  }
}
