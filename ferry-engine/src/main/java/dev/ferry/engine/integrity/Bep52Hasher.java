package dev.ferry.engine.integrity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Computes a file's {@link Bep52Tree} in one pass: each 16 KiB block is hashed as it is read, each
 * piece's leaves are reduced to the piece's hash as soon as the piece is whole, so memory holds one
 * read buffer, one piece's leaves and the piece layer, never the file.
 */
public final class Bep52Hasher {
  /**
   * Large enough that a read costs little per byte, small enough to stay in the CPU's caches; a
   * multiple of the block size, so only the file's last block can be short.
   */
  private static final int BUFFER = 1 << 20;

  private Bep52Hasher() {}

  /** Hashes {@code file} for pieces of {@code pieceSize} (a power of two, 16 KiB to 1 GiB). */
  public static Bep52Tree hash(Path file, int pieceSize) throws IOException {
    Bep52Tree.checkPieceSize(pieceSize);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return hash(channel, channel.size(), pieceSize, file.toString());
    }
  }

  private static Bep52Tree hash(FileChannel channel, long size, int pieceSize, String name)
      throws IOException {
    long pieces = Bep52Tree.pieceCount(size, pieceSize);
    if (pieces > (Integer.MAX_VALUE - 64) / Bep52.HASH_SIZE) {
      throw new IllegalArgumentException(
          "a " + size + "-byte file has too many " + pieceSize + "-byte pieces; use larger ones");
    }
    int leavesPerPiece = pieceSize / Bep52.BLOCK_SIZE;
    int slots = (int) Math.min(leavesPerPiece, Bep52.leafCount(size));
    byte[] leaves = new byte[slots * Bep52.HASH_SIZE];
    byte[] layer = new byte[pieces > 1 ? (int) pieces * Bep52.HASH_SIZE : 0];
    MessageDigest sha = PieceHashes.sha256();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER, Math.max(size, 1)));
    byte[] bytes = buffer.array();
    long hashed = 0;
    int leaf = 0;
    int piece = 0;
    while (fill(channel, buffer)) {
      int at = 0;
      int end = buffer.position();
      while (at < end) {
        int n = Math.min(Bep52.BLOCK_SIZE, end - at);
        if (hashed + n > size) {
          throw changed(name);
        }
        sha.update(bytes, at, n);
        Bep52.digestInto(sha, leaves, leaf++);
        at += n;
        hashed += n;
        if (leaf == leavesPerPiece && pieces > 1) {
          pieceHash(leaves, leaf, leavesPerPiece, sha, layer, piece++);
          leaf = 0;
        }
      }
      buffer.clear();
    }
    if (hashed != size) {
      throw changed(name);
    }
    if (size == 0) {
      return Bep52Tree.computed(0, pieceSize, null, layer);
    }
    if (pieces == 1) {
      // A file of one piece: the tree is as wide as the file's leaves made a power of two, so the
      // root is not the piece's hash balanced to the piece size.
      byte[] root = Bep52.reduce(leaves, leaf, Bep52.balanced(leaf), 0, sha);
      return Bep52Tree.computed(size, pieceSize, root, layer);
    }
    if (leaf > 0) {
      pieceHash(leaves, leaf, leavesPerPiece, sha, layer, piece);
    }
    return Bep52Tree.computed(size, pieceSize, Bep52Tree.rootOfLayer(layer, pieceSize), layer);
  }

  /** The last piece's missing leaves are padding: every piece's subtree is piece-sized. */
  private static void pieceHash(
      byte[] leaves, int count, int width, MessageDigest sha, byte[] layer, int piece) {
    byte[] hash = Bep52.reduce(leaves, count, width, 0, sha);
    System.arraycopy(hash, 0, layer, piece * Bep52.HASH_SIZE, Bep52.HASH_SIZE);
  }

  /** Reads until the buffer is full or the file ends; whether it read anything. */
  private static boolean fill(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // FileChannel reads block until they read something or reach the end.
    }
    return buffer.position() > 0;
  }

  private static IOException changed(String name) {
    return new IOException(name + " changed size while it was hashed");
  }
}
