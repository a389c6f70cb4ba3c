package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.integrity.Bep52;
import dev.ferry.engine.integrity.Bep52Hasher;
import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.swarm.wire.Message.HashRange;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash request answers prove themselves: the hashes given and their uncles reduce to the pieces
 * root, as a peer that knows only the root checks them; requests that cannot be answered from the
 * piece layer are refused.
 */
class MerkleProofsTest {
  private static final int PIECE = 16 * 1024;

  @TempDir Path dir;

  @Test
  void everyAlignedRangeWithItsUnclesReducesToTheRoot() throws Exception {
    // 37 pieces: a layer padded to 64, six layers above it.
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 36 * PIECE + 5_000, 31);
    Bep52Tree tree = Bep52Hasher.hash(file, PIECE);
    MerkleProofs proofs = new MerkleProofs(tree);
    int height = 6;
    for (int length = 1; length <= 64; length *= 2) {
      int covered = Integer.numberOfTrailingZeros(length);
      for (int index = 0; index < 64; index += length) {
        int proofLayers = height - 1;
        byte[] answer = proofs.answer(new HashRange(tree.root(), 0, index, length, proofLayers));
        assertThat(answer).as("length %d index %d", length, index).isNotNull();
        int uncles = Math.max(0, proofLayers - covered + 1);
        assertThat(answer).hasSize((length + uncles) * Bep52.HASH_SIZE);
        assertThat(rootOf(answer, index, length, uncles)).isEqualTo(tree.root());
        byte[] layer = tree.pieceLayer();
        for (int i = 0; i < length && index + i < 37; i++) {
          assertThat(Arrays.copyOfRange(answer, i * 32, i * 32 + 32))
              .isEqualTo(Arrays.copyOfRange(layer, (index + i) * 32, (index + i) * 32 + 32));
        }
      }
    }
  }

  @Test
  void whatThePieceLayerCannotAnswerIsRefused() throws Exception {
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 10 * 64 * 1024, 32);
    Bep52Tree tree = Bep52Hasher.hash(file, 64 * 1024);
    MerkleProofs proofs = new MerkleProofs(tree);
    byte[] root = tree.root();
    // The piece layer of 64 KiB pieces is layer 2 (four blocks).
    assertThat(proofs.answer(new HashRange(root, 2, 0, 16, 3))).isNotNull();
    assertThat(proofs.answer(new HashRange(root, 0, 0, 4, 0))).as("blocks").isNull();
    assertThat(proofs.answer(new HashRange(new byte[32], 2, 0, 16, 3))).as("root").isNull();
    assertThat(proofs.answer(new HashRange(root, 2, 1, 2, 0))).as("unaligned").isNull();
    assertThat(proofs.answer(new HashRange(root, 2, 0, 3, 0))).as("not a power of 2").isNull();
    assertThat(proofs.answer(new HashRange(root, 2, 16, 16, 0))).as("past the end").isNull();
    assertThat(proofs.answer(new HashRange(root, 2, 0, 2, 4))).as("above the root").isNull();
  }

  /** What a peer that knows only the root does with an answer: rebuild the root. */
  private static byte[] rootOf(byte[] answer, int index, int length, int uncles) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] layer = Arrays.copyOf(answer, length * 32);
    int count = length;
    while (count > 1) {
      byte[] up = new byte[count / 2 * 32];
      for (int i = 0; i < count / 2; i++) {
        sha.update(layer, 2 * i * 32, 64);
        System.arraycopy(sha.digest(), 0, up, i * 32, 32);
      }
      layer = up;
      count /= 2;
    }
    byte[] node = layer;
    int position = index / length;
    for (int u = 0; u < uncles; u++) {
      byte[] uncle = Arrays.copyOfRange(answer, (length + u) * 32, (length + u + 1) * 32);
      if ((position & 1) == 0) {
        sha.update(node);
        sha.update(uncle);
      } else {
        sha.update(uncle);
        sha.update(node);
      }
      node = sha.digest();
      position >>>= 1;
    }
    return node;
  }
}
