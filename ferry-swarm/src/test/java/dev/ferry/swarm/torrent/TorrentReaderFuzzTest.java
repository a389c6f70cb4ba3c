package dev.ferry.swarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.engine.integrity.PieceHashes;

/**
 * Fuzzes the torrent reader from torrents libtorrent and Ferry made: whatever the input, it either
 * fails with a {@link TorrentException} or gives a torrent that is consistent (its piece layer
 * reduces to its root, its piece-hash file parses back) and that Ferry writes back with the same
 * info-hash.
 *
 * <p>{@code ./mvnw verify} runs it over its seeds in {@code TorrentReaderFuzzTestInputs/}; {@code
 * scripts/fuzz swarm} fuzzes it for a while.
 */
class TorrentReaderFuzzTest {
  @FuzzTest
  void read(byte[] input) {
    SingleFileTorrent torrent;
    try {
      torrent = TorrentReader.read(input);
    } catch (TorrentException refused) {
      return;
    }
    SingleFileTorrent again = TorrentReader.read(TorrentWriter.encode(torrent));
    assertThat(again.infoHash()).isEqualTo(torrent.infoHash());
    assertThat(again.tree().pieceLayer()).isEqualTo(torrent.tree().pieceLayer());
    PieceHashes hashes = PieceHashes.parse(PieceHashes.of(torrent.tree()).encode());
    assertThat(hashes.tree().root()).isEqualTo(torrent.tree().root());
  }
}
