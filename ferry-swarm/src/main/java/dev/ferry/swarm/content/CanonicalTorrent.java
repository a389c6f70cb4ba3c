package dev.ferry.swarm.content;

import dev.ferry.engine.integrity.Bep52Hasher;
import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The torrent every Ferry node makes of the same content at the same piece size, byte for byte. The
 * info-hash covers the whole info dictionary, name included, so a name taken from the local file
 * (which differs from machine to machine) would split one content into many swarms. The name is
 * therefore the content id's 64 hex digits: derived from the content alone, plain ASCII, safe as a
 * file name everywhere, and it says what the torrent holds. Nothing else goes in that BEP 52 leaves
 * optional (no creation date, no announce, no v1 part).
 */
public final class CanonicalTorrent {
  private CanonicalTorrent() {}

  /** The canonical torrent of content already hashed; refused for empty content. */
  public static SingleFileTorrent of(Bep52Tree tree) {
    return SingleFileTorrent.create(ContentId.of(tree).hex(), tree);
  }

  /** Hashes {@code file} at {@code pieceSize} and makes its canonical torrent. */
  public static SingleFileTorrent of(Path file, int pieceSize) throws IOException {
    return of(Bep52Hasher.hash(file, pieceSize));
  }
}
