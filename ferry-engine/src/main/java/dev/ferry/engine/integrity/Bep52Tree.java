package dev.ferry.engine.integrity;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What BEP 52 says of one file at one piece size: its length, its {@code pieces root} (none for an
 * empty file) and its piece layer (the hash of each piece, a piece's hash being the merkle root of
 * its 16 KiB leaves; empty for a file no larger than one piece, which BEP 52 leaves out of {@code
 * piece layers}). The root does not depend on the piece size; the layer does.
 *
 * <p>Instances are consistent: {@link #of} checks that the layer has one hash per piece and reduces
 * to the root, so whatever holds one (a piece-hash file, a torrent) can trust either.
 */
public final class Bep52Tree {
  private final long length;
  private final int pieceSize;
  private final byte[] root;
  private final byte[] layer;

  private Bep52Tree(long length, int pieceSize, byte[] root, byte[] layer) {
    this.length = length;
    this.pieceSize = pieceSize;
    this.root = root;
    this.layer = layer;
  }

  /**
   * Checks and takes (copies) the parts; IllegalArgumentException says what does not fit. {@code
   * root} is null for an empty file; {@code layer} is empty for a file of at most one piece.
   */
  public static Bep52Tree of(long length, int pieceSize, byte[] root, byte[] layer) {
    checkPieceSize(pieceSize);
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    if (length == 0) {
      if (root != null || layer.length != 0) {
        throw new IllegalArgumentException("an empty file has neither pieces root nor piece layer");
      }
      return new Bep52Tree(0, pieceSize, null, new byte[0]);
    }
    if (root == null || root.length != Bep52.HASH_SIZE) {
      throw new IllegalArgumentException("a non-empty file needs a 32-byte pieces root");
    }
    long pieces = pieceCount(length, pieceSize);
    long expected = pieces > 1 ? pieces * Bep52.HASH_SIZE : 0;
    if (layer.length != expected) {
      throw new IllegalArgumentException(
          "the piece layer of a "
              + length
              + "-byte file in "
              + pieceSize
              + "-byte pieces has "
              + expected
              + " bytes, not "
              + layer.length);
    }
    if (pieces > 1 && !Arrays.equals(root, rootOfLayer(layer, pieceSize))) {
      throw new IllegalArgumentException("the piece layer does not hash to the pieces root");
    }
    return new Bep52Tree(length, pieceSize, root.clone(), layer.clone());
  }

  /** Made by the hasher, which computed the root from the layer itself. */
  static Bep52Tree computed(long length, int pieceSize, byte[] root, byte[] layer) {
    return new Bep52Tree(length, pieceSize, root, layer);
  }

  public long length() {
    return length;
  }

  public int pieceSize() {
    return pieceSize;
  }

  /** How many pieces the file spans: 0 for an empty file. */
  public int pieceCount() {
    return Math.toIntExact(pieceCount(length, pieceSize));
  }

  /** The pieces root, or null for an empty file (BEP 52 gives it none). */
  public byte[] root() {
    return root == null ? null : root.clone();
  }

  /** The pieces root in lower-case hex, or null for an empty file. */
  public String rootHex() {
    return root == null ? null : HexFormat.of().formatHex(root);
  }

  /** The piece layer, concatenated; empty when the file has at most one piece. */
  public byte[] pieceLayer() {
    return layer.clone();
  }

  /**
   * The hash each piece is checked against: the piece layer, or for a file of one piece its root
   * (which is then the root of that piece's leaves balanced to the file's, not the piece's, size).
   */
  byte[] pieceHashes() {
    return layer.length > 0 ? layer.clone() : root == null ? new byte[0] : root.clone();
  }

  /** The pieces root the layer (of pieces of {@code pieceSize}) reduces to. */
  static byte[] rootOfLayer(byte[] layer, int pieceSize) {
    int count = layer.length / Bep52.HASH_SIZE;
    int height = Integer.numberOfTrailingZeros(pieceSize / Bep52.BLOCK_SIZE);
    MessageDigest sha = PieceHashes.sha256();
    return Bep52.reduce(layer.clone(), count, Bep52.balanced(count), height, sha);
  }

  /** Without overflow for any length, however large. */
  static long pieceCount(long length, int pieceSize) {
    return length / pieceSize + (length % pieceSize == 0 ? 0 : 1);
  }

  /** BEP 52: a power of two, at least 16 KiB; here also at most 1 GiB (an int). */
  public static void checkPieceSize(long pieceSize) {
    if (pieceSize < Bep52.MIN_PIECE_SIZE
        || pieceSize > (1 << 30)
        || Long.bitCount(pieceSize) != 1) {
      throw new IllegalArgumentException(
          "the piece size must be a power of two from 16 KiB to 1 GiB, not " + pieceSize);
    }
  }
}
