package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.swarm.Libtorrent;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorrent's obfuscated handshake (MSE) against Ferry's seed: with libtorrent's defaults (MSE
 * offering plaintext and RC4, plain text again if refused) the download goes over the obfuscated
 * connection, plaintext selected; a libtorrent that offers only RC4 and never retries plain gets
 * RC4. Shown by libtorrent's own peer flags (plaintext_encrypted, rc4_encrypted), byte-exact.
 */
class LibtorrentMseTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Several pieces and a tail that is not a whole block. */
  private static final int SIZE = 3 * 1024 * 1024 + 12_345;

  private static final int PIECE = 256 * 1024;

  /**
   * The seed's upload cap: the download lasts about half a second, so that the oracle, polling
   * libtorrent's peers every 50 ms, sees the connection.
   */
  private static final long UPLOAD_BYTES_PER_SECOND = 6L * 1024 * 1024;

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

  @Test
  void libtorrentWithItsDefaultsDownloadsOverMseWithPlaintextSelected() throws Exception {
    JsonNode done = downloadFromFerry(15, false);

    assertThat(done.path("encryption").toString()).isEqualTo("[\"plaintext_encrypted\"]");
  }

  @Test
  void libtorrentOfferingOnlyRc4DownloadsOverRc4() throws Exception {
    JsonNode done = downloadFromFerry(16, true);

    assertThat(done.path("encryption").toString()).isEqualTo("[\"rc4_encrypted\"]");
  }

  private JsonNode downloadFromFerry(long seed, boolean rc4Only) throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, SIZE, seed);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    Path torrentFile = dir.resolve("ferry.torrent");
    TorrentWriter.write(torrent, torrentFile);
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    SwarmSettings settings =
        SwarmSettings.defaults()
            .withBindAddress(LOOPBACK)
            .withPort(0)
            .withUploadBytesPerSecond(UPLOAD_BYTES_PER_SECOND);
    try (Swarm swarm = Swarm.start(settings)) {
      TorrentSession ferry = swarm.add(torrent, LocalPieces.ofFile(file));
      InetSocketAddress peer = new InetSocketAddress(LOOPBACK, swarm.port());
      String session = "mse-" + seed;

      JsonNode done =
          rc4Only
              ? libtorrent.downloadRc4Only(torrentFile, downloads, session, peer)
              : libtorrent.download(torrentFile, downloads, session, peer);

      assertThat(done.path("error").isMissingNode()).as("%s", done).isTrue();
      assertThat(Files.readAllBytes(downloads.resolve(torrent.name()))).isEqualTo(content);
      assertThat(ferry.stats().bytesUploaded()).isGreaterThanOrEqualTo(SIZE);
      return done;
    }
  }
}
