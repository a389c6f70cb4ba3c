package dev.ferry.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.engine.integrity.Bep52Hasher;
import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.torrent.TorrentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ferry's BEP 52 hashes and torrents against libtorrent's, on the same files: the pieces root, the
 * piece layer and the info-hash Ferry computes equal those of the torrent libtorrent makes, Ferry's
 * torrent loads in libtorrent with the same info-hash, and Ferry reads libtorrent's torrents (pure
 * v2 and hybrid) with libtorrent's info-hash.
 */
class LibtorrentOracleTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  @TempDir static Path dir;
  private static Libtorrent libtorrent;

  @BeforeAll
  static void start() throws Exception {
    libtorrent = Libtorrent.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (libtorrent != null) {
      libtorrent.close();
    }
  }

  @ParameterizedTest(name = "{0} bytes in {1}-byte pieces")
  @CsvSource({
    "1, 16384",
    "1000, 16384",
    "16384, 16384",
    "16385, 16384",
    "40000, 1048576",
    "65536, 65536",
    "327803, 65536",
    "327803, 16384",
    "2097152, 1048576",
    "3150000, 262144",
    "3150000, 1048576",
    "3150000, 4194304",
  })
  void ferryHashesAndTorrentsAsLibtorrentDoes(int size, int pieceSize) throws Exception {
    Path work = Files.createDirectories(dir.resolve(size + "-" + pieceSize));
    Path file = work.resolve("content");
    Files.write(file, random(size, size ^ pieceSize));
    Bep52Tree tree = Bep52Hasher.hash(file, pieceSize);
    SingleFileTorrent ferry = CanonicalTorrent.of(tree);
    // libtorrent names the torrent after the file: give it the canonical name Ferry uses.
    Path named = Files.move(file, work.resolve(tree.rootHex()));

    JsonNode lt = libtorrent.create(named, pieceSize, false, work.resolve("libtorrent.torrent"));

    assertThat(lt.path("error").isMissingNode()).as("%s", lt).isTrue();
    assertThat(tree.rootHex()).isEqualTo(lt.get("root").asText());
    assertThat(HexFormat.of().formatHex(tree.pieceLayer())).isEqualTo(lt.get("layer").asText());
    assertThat(ferry.infoHash().hex()).isEqualTo(lt.get("infohash").asText());

    Path ours = work.resolve("ferry.torrent");
    TorrentWriter.write(ferry, ours);
    JsonNode loaded = libtorrent.load(ours);
    assertThat(loaded.path("error").isMissingNode()).as("%s", loaded).isTrue();
    assertThat(loaded.get("infohash").asText()).isEqualTo(ferry.infoHash().hex());
    assertThat(loaded.get("name").asText()).isEqualTo(tree.rootHex());
    assertThat(loaded.get("piece").asInt()).isEqualTo(pieceSize);

    SingleFileTorrent theirs = TorrentReader.read(work.resolve("libtorrent.torrent"));
    assertThat(theirs.infoHash().hex()).isEqualTo(lt.get("infohash").asText());
    assertThat(theirs.tree().root()).isEqualTo(tree.root());
    assertThat(theirs.tree().pieceLayer()).isEqualTo(tree.pieceLayer());
    assertThat(theirs.hybrid()).isFalse();
  }

  @ParameterizedTest(name = "{0} bytes in {1}-byte pieces")
  @CsvSource({"1000, 16384", "327803, 65536", "3150000, 1048576"})
  void ferryReadsTheV2PartOfLibtorrentsHybridTorrents(int size, int pieceSize) throws Exception {
    Path work = Files.createDirectories(dir.resolve("hybrid-" + size + "-" + pieceSize));
    Path file = work.resolve("Any name, any client.iso");
    Files.write(file, random(size, 77));

    JsonNode lt = libtorrent.create(file, pieceSize, true, work.resolve("hybrid.torrent"));
    SingleFileTorrent read = TorrentReader.read(work.resolve("hybrid.torrent"));

    assertThat(lt.path("error").isMissingNode()).as("%s", lt).isTrue();
    assertThat(read.hybrid()).isTrue();
    assertThat(read.infoHash().hex()).isEqualTo(lt.get("infohash").asText());
    assertThat(read.fileName()).isEqualTo("Any name, any client.iso");
    assertThat(read.pieceLength()).isEqualTo(pieceSize);
    assertThat(read.length()).isEqualTo(size);
    assertThat(read.tree().rootHex()).isEqualTo(Bep52Hasher.hash(file, pieceSize).rootHex());
  }

  /** BEP 52 gives an empty file no pieces root; neither libtorrent nor Ferry makes it a torrent. */
  @Test
  void anEmptyFileHasNoRootAndNoTorrentInEither() throws Exception {
    Path work = Files.createDirectories(dir.resolve("empty"));
    Path file = Files.createFile(work.resolve("empty"));
    Bep52Tree tree = Bep52Hasher.hash(file, 16 * KIB);

    JsonNode lt = libtorrent.create(file, 16 * KIB, false, work.resolve("empty.torrent"));

    assertThat(lt.path("error").asText()).contains("invalid length");
    assertThat(tree.root()).isNull();
    assertThat(tree.pieceLayer()).isEmpty();
    assertThatThrownBy(() -> CanonicalTorrent.of(tree)).hasMessageContaining("empty");
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
