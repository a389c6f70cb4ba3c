package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.swarm.Libtorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DO's cache for peers through ferryd, with real processes: a completed download of content a
 * torrent describes is kept (one below DOMinFileSizeToCache is not), served to libtorrent after its
 * job is done, kept across a restart, and pinned, unpinned and dropped by its owner.
 */
class PeerCacheEndToEndTest {
  private static final int PIECE = 256 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private PeerTestbed bed;
  private Libtorrent libtorrent;
  private TestOrigin origin;
  private Path socketDir;

  @BeforeEach
  void start() throws IOException {
    bed = PeerTestbed.start(tmp, "fc");
    libtorrent = bed.libtorrent;
    origin = bed.origin;
    socketDir = bed.socketDir;
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void aCompletedDownloadIsKeptForPeersAcrossARestartAndItsOwnerManagesIt() throws Exception {
    Content big = Content.random(3L * 1024 * 1024 + 17, 201);
    Content small = Content.random(512 * 1024 + 3, 202);
    origin.put("/big.bin", big);
    origin.put("/small.bin", small);
    Path bigTorrent = torrentOf("big.bin", big);
    Path smallTorrent = torrentOf("small.bin", small);
    int peerPort = PeerTestbed.freePort();
    Path socket = socketDir.resolve("ferryd.sock");
    // The machine's settings file, as an administrator writes it: ferryd reads it at start.
    Cli admin = new Cli("--data-dir", tmp.resolve("daemon-data").toString());
    Cli.Result set = admin.run("do", "config", "set", "DOMinFileSizeToCache", "1");
    assertThat(set.code()).as(set.toString()).isZero();
    assertThat(admin.run("do", "config", "set", "DOLocalDiscovery", "false").code()).isZero();
    Cli.Result wrong = admin.run("do", "config", "set", "DOMaxCacheSize", "500");
    assertThat(wrong.code()).isNotZero();
    assertThat(wrong.err()).contains("DOMaxCacheSize", "1 to 100");
    Cli.Result battery =
        admin.run("do", "config", "set", "DOMinBatteryPercentageAllowedToUpload", "101");
    assertThat(battery.err()).contains("DOMinBatteryPercentageAllowedToUpload", "0 to 100");
    assertThat(
            admin.run("do", "config", "set", "DOMinBatteryPercentageAllowedToUpload", "40").code())
        .isZero();
    Cli.Result unknown = admin.run("do", "config", "set", "DOMaxCacheSizes", "5");
    assertThat(unknown.err()).contains("no setting Ferry knows", "DOMaxCacheSize");
    Cli.Result shown = admin.run("do", "config", "--json");
    assertThat(JSON.readTree(shown.out()).get("settings").get("DOMinFileSizeToCache").asInt())
        .isEqualTo(1);
    Ferryd.Launch launch =
        Cli.ferryd(socket, tmp.resolve("daemon-data"))
            .options("--peer-port", Integer.toString(peerPort));
    Cli ferry = new Cli("--socket", socket.toString());
    String hash = TorrentReader.read(bigTorrent).infoHash().hex();
    SingleFileTorrent described = TorrentReader.read(bigTorrent);
    InetSocketAddress ferryd = new InetSocketAddress("127.0.0.1", peerPort);

    try (Ferryd daemon = launch.start()) {
      for (String[] get :
          new String[][] {
            {origin.url("/big.bin"), bigTorrent.toString(), "big.bin"},
            {origin.url("/small.bin"), smallTorrent.toString(), "small.bin"}
          }) {
        Cli.Result done =
            ferry.run("get", get[0], "--torrent", get[1], "-o", tmp.resolve(get[2]).toString());
        assertThat(done.code()).as(done.toString()).isZero();
      }
      JsonNode cached = cache(ferry);
      assertThat(cached).as("the small file is under DOMinFileSizeToCache").hasSize(1);
      assertThat(cached.get(0).get("infoHash").asText()).isEqualTo(hash);
      assertThat(cached.get(0).get("size").asLong()).isEqualTo(big.size());

      // The job is complete and its file is the user's: peers are served from the cache.
      Files.delete(tmp.resolve("big.bin"));
      Path first = Files.createDirectories(tmp.resolve("lt-first"));
      JsonNode fetched = libtorrent.download(bigTorrent, first, "lt-first", ferryd);
      assertThat(fetched.has("error")).as(fetched.toString()).isFalse();
      assertThat(PeerTestbed.sha256(first.resolve(described.fileName()))).isEqualTo(big.sha256());
    }

    try (Ferryd daemon = launch.start()) {
      assertThat(cache(ferry)).as("kept across the restart").hasSize(1);
      Path again = Files.createDirectories(tmp.resolve("lt-again"));
      JsonNode fetched = libtorrent.download(bigTorrent, again, "lt-again", ferryd);
      assertThat(fetched.has("error")).as(fetched.toString()).isFalse();
      assertThat(PeerTestbed.sha256(again.resolve(described.fileName()))).isEqualTo(big.sha256());

      assertThat(ferry.run("do", "cache", "pin", hash).code()).isZero();
      assertThat(cache(ferry).get(0).get("pinned").asBoolean()).isTrue();
      assertThat(ferry.run("do", "cache", "unpin", hash).code()).isZero();
      assertThat(cache(ferry).get(0).get("pinned").asBoolean()).isFalse();
      assertThat(ferry.run("do", "cache", "delete", hash).code()).isZero();
      assertThat(cache(ferry)).isEmpty();
      Cli.Result gone = ferry.run("do", "cache", "delete", hash);
      assertThat(gone.code()).as(gone.toString()).isNotZero();
      assertThat(gone.err()).contains("BG_E_NOT_FOUND");
    }
  }

  private static JsonNode cache(Cli ferry) throws IOException {
    Cli.Result listed = ferry.run("do", "cache", "--json");
    assertThat(listed.code()).as(listed.toString()).isZero();
    return JSON.readTree(listed.out());
  }

  /** Ferry's canonical torrent of {@code content}, written by {@code ferry do hash --torrent}. */
  private Path torrentOf(String name, Content content) throws IOException {
    Path file = Files.createDirectories(tmp.resolve("src")).resolve(name);
    Files.write(file, content.bytes());
    Path torrent = tmp.resolve(name + ".torrent");
    bed.canonical(file, torrent, PIECE);
    return torrent;
  }
}
