package dev.ferry.engine.integrity;

import dev.ferry.engine.transfer.PieceCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A piece-hash file: the SHA-256 of every piece of one file. Its encoding is canonical, so equal
 * content always gives equal bytes (and an equal digest):
 *
 * <pre>
 * offset  size    field
 *      0     8    magic "FERRYPHF" (ASCII)
 *      8     1    format version, 1
 *      9     1    hash algorithm, 1 = SHA-256
 *     10     1    log2 of the piece size, 10 (1 KiB) to 30 (1 GiB)
 *     11     1    reserved, 0
 *     12     8    file size in bytes, unsigned big-endian
 *     20     4    piece count = ceil(file size / piece size), big-endian
 *     24  32*n    the SHA-256 of each piece in order; the last piece may be short
 * </pre>
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
  private final byte[] hashes;

  private PieceHashes(int pieceSize, long fileSize, byte[] hashes) {
    this.pieceSize = pieceSize;
    this.fileSize = fileSize;
    this.hashes = hashes;
  }

  /** Hashes {@code file} in pieces of {@code pieceSize} (a power of two, 1 KiB to 1 GiB). */
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
    return new PieceHashes(pieceSize, size, hashes);
  }

  /** Parses an encoded file; IllegalArgumentException says what is wrong with it. */
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
    if (version != 1) {
      throw new IllegalArgumentException("unsupported piece-hash file version " + version);
    }
    if (algorithm != 1) {
      throw new IllegalArgumentException("unsupported hash algorithm " + algorithm);
    }
    if (shift < MIN_SHIFT || shift > MAX_SHIFT || reserved != 0 || size < 0) {
      throw new IllegalArgumentException("malformed piece-hash file header");
    }
    int pieceSize = 1 << shift;
    if (count != pieceCount(size, pieceSize) || encoded.length != HEADER + (long) count * HASH) {
      throw new IllegalArgumentException(
          "piece count " + count + " does not match a " + size + "-byte file");
    }
    return new PieceHashes(pieceSize, size, Arrays.copyOfRange(encoded, HEADER, encoded.length));
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(HEADER + hashes.length);
    out.put(MAGIC)
        .put((byte) 1)
        .put((byte) 1)
        .put((byte) Integer.numberOfTrailingZeros(pieceSize))
        .put((byte) 0)
        .putLong(fileSize)
        .putInt(hashes.length / HASH)
        .put(hashes);
    return out.array();
  }

  /** SHA-256 over the concatenated piece hashes (IntegrityCheckInfo's HashOfHashes). */
  public byte[] hashOfHashes() {
    return sha256().digest(hashes);
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
    return hashes.length / HASH;
  }

  @Override
  public boolean matches(int piece, ByteBuffer content) {
    if (piece < 0 || piece >= pieceCount()) {
      return false;
    }
    MessageDigest sha = sha256();
    sha.update(content);
    return MessageDigest.isEqual(
        sha.digest(), Arrays.copyOfRange(hashes, piece * HASH, (piece + 1) * HASH));
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
