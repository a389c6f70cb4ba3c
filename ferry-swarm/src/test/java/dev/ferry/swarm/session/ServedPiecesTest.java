package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.engine.integrity.PieceHashes;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is served is what was checked: a piece of a file changed under Ferry fails its check as it
 * is read and is not served, while the file's other pieces still are; a deleted file serves
 * nothing.
 */
class ServedPiecesTest {
  private static final int PIECE = 64 * 1024;

  @TempDir Path dir;

  @Test
  void aPieceChangedOnDiskIsNotServedAndTheOthersStillAre() throws Exception {
    Path file = dir.resolve("offered");
    byte[] content = SwarmFiles.write(file, 4 * PIECE, 31);
    PieceHashes hashes = PieceHashes.bep52(file, PIECE);
    LocalPieces local = LocalPieces.ofFile(file);
    ServedPieces served =
        new ServedPieces(hashes, (piece, dst) -> local.read((long) piece * PIECE, dst));

    try (RandomAccessFile changed = new RandomAccessFile(file.toFile(), "rw")) {
      changed.seek(2L * PIECE + 100);
      changed.write(content[2 * PIECE + 100] ^ 0x01);
    }

    assertThat(served.get(1)).isEqualTo(Arrays.copyOfRange(content, PIECE, 2 * PIECE));
    assertThatThrownBy(() -> served.get(2)).isInstanceOf(ServedPieces.Unservable.class);

    Files.delete(file);
    assertThatThrownBy(() -> served.get(3)).isInstanceOf(ServedPieces.Unservable.class);
  }
}
