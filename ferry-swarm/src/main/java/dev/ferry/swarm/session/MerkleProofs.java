package dev.ferry.swarm.session;

import dev.ferry.engine.integrity.Bep52;
import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.swarm.wire.Message.HashRange;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Answers BEP 52 hash requests from a torrent's piece layer: the layers of the file's tree from the
 * piece layer up to the root (padded, as BEP 52 pads, with the roots of zero subtrees), built once
 * on the first request. A request may ask for piece-layer hashes and the uncle hashes that prove
 * them against the root; the block layer (and anything else) is not held, and such a request gets a
 * hash reject.
 *
 * <p>Uncles are counted as libtorrent counts them: a request for {@code length} hashes (a power of
 * two) at {@code index} (a multiple of it) covers log2(length) layers above the base by itself;
 * each proof layer beyond those adds the sibling of the subtree's ancestor in that layer, lowest
 * first.
 */
final class MerkleProofs {
  private final Bep52Tree tree;
  private final int baseLayer;

  /** layers[0] is the padded piece layer, the last one holds the root; null until asked. */
  private byte[][] layers;

  MerkleProofs(Bep52Tree tree) {
    this.tree = tree;
    this.baseLayer = Integer.numberOfTrailingZeros(tree.pieceSize() / Bep52.BLOCK_SIZE);
  }

  /** The hashes asked for and their proof, or null for a request this cannot answer. */
  synchronized byte[] answer(HashRange range) {
    if (!Arrays.equals(range.piecesRoot(), tree.root()) || range.baseLayer() != baseLayer) {
      return null;
    }
    if (tree.pieceCount() < 2) {
      return null;
    }
    byte[][] layers = layers();
    int width = layers[0].length / Bep52.HASH_SIZE;
    int index = range.index();
    int length = range.length();
    int proofs = range.proofLayers();
    int above = layers.length - 1;
    if (length < 1
        || Integer.bitCount(length) != 1
        || length > width
        || index < 0
        || index % length != 0
        || index > width - length
        || proofs < 0
        || proofs >= above + 1) {
      return null;
    }
    int covered = Integer.numberOfTrailingZeros(length);
    int uncles = Math.max(0, proofs - covered + 1);
    // The subtree's root is at layer `covered`; its ancestors up to the root's children have
    // siblings, the root has none.
    if (covered + uncles > above) {
      return null;
    }
    byte[] out = new byte[(length + uncles) * Bep52.HASH_SIZE];
    System.arraycopy(layers[0], index * Bep52.HASH_SIZE, out, 0, length * Bep52.HASH_SIZE);
    int node = index >>> covered;
    for (int i = 0; i < uncles; i++) {
      int layer = covered + i;
      int sibling = (node >>> i) ^ 1;
      System.arraycopy(
          layers[layer],
          sibling * Bep52.HASH_SIZE,
          out,
          (length + i) * Bep52.HASH_SIZE,
          Bep52.HASH_SIZE);
    }
    return out;
  }

  private byte[][] layers() {
    if (layers != null) {
      return layers;
    }
    byte[] pieceLayer = tree.pieceLayer();
    int count = pieceLayer.length / Bep52.HASH_SIZE;
    int width = (int) Bep52.balanced(count);
    int height = Integer.numberOfTrailingZeros(width);
    byte[][] built = new byte[height + 1][];
    built[0] = Arrays.copyOf(pieceLayer, width * Bep52.HASH_SIZE);
    byte[] pad = Bep52.padding(baseLayer);
    for (int i = count; i < width; i++) {
      System.arraycopy(pad, 0, built[0], i * Bep52.HASH_SIZE, Bep52.HASH_SIZE);
    }
    MessageDigest sha = sha256();
    for (int layer = 1; layer <= height; layer++) {
      byte[] below = built[layer - 1];
      int nodes = below.length / Bep52.HASH_SIZE / 2;
      byte[] here = new byte[nodes * Bep52.HASH_SIZE];
      for (int i = 0; i < nodes; i++) {
        sha.update(below, 2 * i * Bep52.HASH_SIZE, 2 * Bep52.HASH_SIZE);
        System.arraycopy(sha.digest(), 0, here, i * Bep52.HASH_SIZE, Bep52.HASH_SIZE);
      }
      built[layer] = here;
    }
    if (!Arrays.equals(built[height], tree.root())) {
      throw new IllegalStateException("the piece layer does not reduce to the pieces root");
    }
    layers = built;
    return built;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
