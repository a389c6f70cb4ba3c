package dev.ferry.engine.integrity;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The merkle tree arithmetic of BitTorrent v2 (BEP 52): SHA-256 leaves over 16 KiB blocks (the last
 * block of a file hashed as it is, shorter), inner nodes SHA-256(left || right), and a tree
 * balanced to a power of two with leaves of 32 zero bytes. A missing node at height h is therefore
 * the root of 2^h zero leaves, not a hash of zero data.
 *
 * <p>It lives in the engine, not beside the torrents in ferry-swarm, because a piece of a file
 * whose piece-hash file is of version 2 is checked against its merkle root ({@link PieceHashes}),
 * and the engine never depends on ferry-swarm.
 */
public final class Bep52 {
  /** The leaf size: every hash covers this many bytes of the file (fewer for the last one). */
  public static final int BLOCK_SIZE = 16 * 1024;

  /** SHA-256's digest size. */
  public static final int HASH_SIZE = 32;

  /** The smallest piece BEP 52 allows: one leaf. */
  public static final int MIN_PIECE_SIZE = BLOCK_SIZE;

  /** Heights up to 2^63 leaves, more than any file has. */
  private static final byte[][] PADDING = paddings(64);

  private Bep52() {}

  /** The node that stands for 2^height leaves wholly beyond the end of the file. */
  public static byte[] padding(int height) {
    return PADDING[height].clone();
  }

  /** How many leaves a file of {@code length} bytes has (0 for an empty file). */
  public static long leafCount(long length) {
    return (length + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  /** The smallest power of two not below {@code n} (n at least 1). */
  public static long balanced(long n) {
    return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
  }

  /**
   * Reduces a layer to its root: {@code count} hashes at {@code height} (0 for leaves), held
   * concatenated at the start of {@code layer}, balanced to {@code width} nodes (a power of two not
   * below count) with padding. Overwrites the layer, which it uses as scratch space: each pass
   * writes node i over node 2i after reading it.
   */
  public static byte[] reduce(
      byte[] layer, int count, long width, int height, MessageDigest sha256) {
    if (count < 1 || Long.bitCount(width) != 1 || width < count) {
      throw new IllegalArgumentException(count + " hashes cannot be balanced to " + width);
    }
    try {
      while (width > 1) {
        byte[] pad = PADDING[height];
        int parents = (count + 1) / 2;
        for (int i = 0; i < parents; i++) {
          int left = 2 * i * HASH_SIZE;
          if (2 * i + 1 < count) {
            sha256.update(layer, left, 2 * HASH_SIZE);
          } else {
            sha256.update(layer, left, HASH_SIZE);
            sha256.update(pad);
          }
          sha256.digest(layer, i * HASH_SIZE, HASH_SIZE);
        }
        count = parents;
        width >>>= 1;
        height++;
      }
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 writes 32 bytes", e);
    }
    byte[] root = new byte[HASH_SIZE];
    System.arraycopy(layer, 0, root, 0, HASH_SIZE);
    return root;
  }

  /**
   * The root over {@code content} (position to limit, consumed) cut into 16 KiB leaves, balanced to
   * {@code width} leaves: a piece's hash in the piece layer when width is the piece's leaf count,
   * the pieces root of a file of one piece when it is the file's leaf count made a power of two.
   */
  public static byte[] root(ByteBuffer content, long width, MessageDigest sha256) {
    int leaves = (int) leafCount(content.remaining());
    if (leaves == 0) {
      throw new IllegalArgumentException("no bytes: an empty file has no merkle root");
    }
    byte[] layer = new byte[leaves * HASH_SIZE];
    for (int i = 0; i < leaves; i++) {
      ByteBuffer block = content.slice();
      block.limit(Math.min(BLOCK_SIZE, block.remaining()));
      sha256.update(block);
      content.position(content.position() + block.limit());
      digestInto(sha256, layer, i);
    }
    return reduce(layer, leaves, width, 0, sha256);
  }

  /** Finishes {@code sha256} into hash slot {@code index} of {@code layer}. */
  static void digestInto(MessageDigest sha256, byte[] layer, int index) {
    try {
      sha256.digest(layer, index * HASH_SIZE, HASH_SIZE);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 writes 32 bytes", e);
    }
  }

  private static byte[][] paddings(int heights) {
    MessageDigest sha = PieceHashes.sha256();
    byte[][] pads = new byte[heights][];
    pads[0] = new byte[HASH_SIZE];
    for (int h = 1; h < heights; h++) {
      sha.update(pads[h - 1]);
      sha.update(pads[h - 1]);
      pads[h] = sha.digest();
    }
    return pads;
  }
}
