package dev.ferry.engine.integrity;

import dev.ferry.spi.PieceCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A piece-hash file: the hash of every piece of one file. Its encoding is canonical, so equal
 * content (at equal piece size) always gives equal bytes (and an equal digest). Version 1 holds the
 * SHA-256 of each piece's bytes:
 *
 * <pre>
 * offset  size    field
 *      0     8    magic "FERRYPHF" (ASCII)
 *      8     1    format version, 1
 *      9     1    hash algorithm, 1 = SHA-256 of the piece
 *     10     1    log2 of the piece size, 10 (1 KiB) to 30 (1 GiB)
 *     11     1    reserved, 0
 *     12     8    file size in bytes, unsigned big-endian
 *     20     4    piece count = ceil(file size / piece size), big-endian
 *     24  32*n    the SHA-256 of each piece in order; the last piece may be short
 * </pre>
 *
 * <p>Version 2 holds BitTorrent v2's hashes (BEP 52, {@link Bep52Tree}), so the pieces a peer of a
 * v2 swarm sends can be checked against it and the file's content id (its pieces root) is known:
 *
 * <pre>
 *      0     8    magic "FERRYPHF"
 *      8     1    format version, 2
 *      9     1    hash algorithm, 2 = BEP 52: a piece's hash is the SHA-256 merkle root of its
 *                 16 KiB blocks, balanced with zero leaves
 *     10     1    log2 of the piece size, 14 (16 KiB) to 30 (1 GiB)
 *     11     1    reserved, 0
 *     12     8    file size in bytes
 *     20     4    piece count n
 *     24    32    the pieces root; 32 zero bytes for an empty file, which has none
 *     56  32*m    the piece layer, m = n when n &gt; 1, else 0: as in a torrent, a file of one piece
 *                 has no layer, and its piece is checked against the root
 * </pre>
 *
 * A version 2 file whose layer does not hash to its root does not parse.
 */
public final class PieceHashes implements PieceCheck {
  private static final byte[] MAGIC =
      "FERRYPHF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int HEADER = 24;
  private static final int HASH = 32;
  private static final int MIN_SHIFT = 10;
  private static final int MAX_SHIFT = 30;

  private final int pieceSize;
  private final long fileSize;

  /** The hash each piece is checked against, concatenated. */
  private final byte[] hashes;

  /** Version 2's tree; null for version 1. */
  private final Bep52Tree tree;

  private PieceHashes(int pieceSize, long fileSize, byte[] hashes, Bep52Tree tree) {
    this.pieceSize = pieceSize;
    this.fileSize = fileSize;
    this.hashes = hashes;
    this.tree = tree;
  }

  /**
   * Version 1: hashes {@code file} in pieces of {@code pieceSize} (a power of two, 1 KiB to 1 GiB).
   */
  public static PieceHashes of(Path file, int pieceSize) throws IOException {
    checkPieceSize(pieceSize);
    long size = Files.size(file);
    int count = pieceCount(size, pieceSize);
    byte[] hashes = new byte[count * HASH];
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[pieceSize];
      for (int i = 0; i < count; i++) {
        int n = in.readNBytes(buffer, 0, (int) Math.min(pieceSize, size - (long) i * pieceSize));
        MessageDigest sha = sha256();
        sha.update(buffer, 0, n);
        System.arraycopy(sha.digest(), 0, hashes, i * HASH, HASH);
      }
    }
    return new PieceHashes(pieceSize, size, hashes, null);
  }

  /**
   * Version 2: hashes {@code file} as BEP 52 does, for pieces of {@code pieceSize} (16 KiB to 1
   * GiB).
   */
  public static PieceHashes bep52(Path file, int pieceSize) throws IOException {
    return of(Bep52Hasher.hash(file, pieceSize));
  }

  /** Version 2, from a tree (one a torrent holds, say). */
  public static PieceHashes of(Bep52Tree tree) {
    return new PieceHashes(tree.pieceSize(), tree.length(), tree.pieceHashes(), tree);
  }

  /** Parses an encoded file of either version; IllegalArgumentException says what is wrong. */
  public static PieceHashes parse(byte[] encoded) {
    if (encoded.length < HEADER
        || !Arrays.equals(encoded, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException("not a piece-hash file (bad magic)");
    }
    ByteBuffer in = ByteBuffer.wrap(encoded);
    in.position(MAGIC.length);
    int version = in.get();
    int algorithm = in.get();
    int shift = in.get();
    int reserved = in.get();
    long size = in.getLong();
    int count = in.getInt();
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("unsupported piece-hash file version " + version);
    }
    if (algorithm != version) {
      throw new IllegalArgumentException(
          "unsupported hash algorithm " + algorithm + " in a version " + version + " file");
    }
    int minShift = version == 1 ? MIN_SHIFT : Integer.numberOfTrailingZeros(Bep52.MIN_PIECE_SIZE);
    if (shift < minShift || shift > MAX_SHIFT || reserved != 0 || size < 0) {
      throw new IllegalArgumentException("malformed piece-hash file header");
    }
    int pieceSize = 1 << shift;
    if (count != Bep52Tree.pieceCount(size, pieceSize)) {
      throw new IllegalArgumentException(
          "piece count " + count + " does not match a " + size + "-byte file");
    }
    if (version == 2) {
      return parseBep52(encoded, size, pieceSize, count);
    }
    if (encoded.length != HEADER + (long) count * HASH) {
      throw new IllegalArgumentException(
          "a piece-hash file of "
              + count
              + " pieces has "
              + (HEADER + (long) count * HASH)
              + " bytes, not "
              + encoded.length);
    }
    return new PieceHashes(
        pieceSize, size, Arrays.copyOfRange(encoded, HEADER, encoded.length), null);
  }

  private static PieceHashes parseBep52(byte[] encoded, long size, int pieceSize, int count) {
    long layer = count > 1 ? (long) count * HASH : 0;
    if (encoded.length != HEADER + HASH + layer) {
      throw new IllegalArgumentException(
          "a version 2 piece-hash file of "
              + count
              + " pieces has "
              + (HEADER + HASH + layer)
              + " bytes, not "
              + encoded.length);
    }
    byte[] root = Arrays.copyOfRange(encoded, HEADER, HEADER + HASH);
    if (size == 0) {
      if (!Arrays.equals(root, new byte[HASH])) {
        throw new IllegalArgumentException("an empty file has no pieces root");
      }
      root = null;
    }
    return of(
        Bep52Tree.of(
            size, pieceSize, root, Arrays.copyOfRange(encoded, HEADER + HASH, encoded.length)));
  }

  public byte[] encode() {
    int version = tree == null ? 1 : 2;
    byte[] body = tree == null ? hashes : bep52Body();
    ByteBuffer out = ByteBuffer.allocate(HEADER + body.length);
    out.put(MAGIC)
        .put((byte) version)
        .put((byte) version)
        .put((byte) Integer.numberOfTrailingZeros(pieceSize))
        .put((byte) 0)
        .putLong(fileSize)
        .putInt(pieceCount(fileSize, pieceSize))
        .put(body);
    return out.array();
  }

  private byte[] bep52Body() {
    byte[] root = tree.root();
    byte[] layer = tree.pieceLayer();
    byte[] body = new byte[HASH + layer.length];
    if (root != null) {
      System.arraycopy(root, 0, body, 0, HASH);
    }
    System.arraycopy(layer, 0, body, HASH, layer.length);
    return body;
  }

  /**
   * SHA-256 over the concatenated piece hashes (IntegrityCheckInfo's HashOfHashes); in version 2
   * over the piece layer, or the root for a file of one piece.
   */
  public byte[] hashOfHashes() {
    return sha256().digest(hashes);
  }

  /** 1 (SHA-256 per piece) or 2 (BEP 52). */
  public int version() {
    return tree == null ? 1 : 2;
  }

  /** Version 2's tree, or null for version 1, which has none. */
  public Bep52Tree tree() {
    return tree;
  }

  @Override
  public int pieceSize() {
    return pieceSize;
  }

  @Override
  public long fileSize() {
    return fileSize;
  }

  public int pieceCount() {
    return pieceCount(fileSize, pieceSize);
  }

  @Override
  public boolean matches(int piece, ByteBuffer content) {
    if (piece < 0 || piece >= pieceCount()) {
      return false;
    }
    byte[] expected = Arrays.copyOfRange(hashes, piece * HASH, (piece + 1) * HASH);
    MessageDigest sha = sha256();
    if (tree == null) {
      sha.update(content);
      return MessageDigest.isEqual(sha.digest(), expected);
    }
    if (!content.hasRemaining()) {
      return false;
    }
    // BEP 52 hashes a piece as the root of its 16 KiB leaves, not as its bytes; a file of one
    // piece is checked against the pieces root, whose tree is as wide as the file, not the piece.
    long width =
        pieceCount() == 1
            ? Bep52.balanced(Bep52.leafCount(fileSize))
            : pieceSize / Bep52.BLOCK_SIZE;
    if (Bep52.leafCount(content.remaining()) > width) {
      return false;
    }
    return MessageDigest.isEqual(Bep52.root(content, width, sha), expected);
  }

  /**
   * Whether {@code other} makes the same checks: the same version, sizes and hashes. A source that
   * verified pieces against an equal check has done the engine's check already.
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof PieceHashes that
        && version() == that.version()
        && pieceSize == that.pieceSize
        && fileSize == that.fileSize
        && Arrays.equals(hashes, that.hashes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hashes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static int pieceCount(long size, int pieceSize) {
    return Math.toIntExact((size + pieceSize - 1) / pieceSize);
  }

  private static void checkPieceSize(int pieceSize) {
    int shift = Integer.numberOfTrailingZeros(pieceSize);
    if (Integer.bitCount(pieceSize) != 1 || shift < MIN_SHIFT || shift > MAX_SHIFT) {
      throw new IllegalArgumentException(
          "the piece size must be a power of two from 1 KiB to 1 GiB, not " + pieceSize);
    }
  }
}
