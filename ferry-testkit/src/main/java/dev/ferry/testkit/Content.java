package dev.ferry.testkit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes served at a path. Implementations give random access so that any range can be served
 * without materialising the whole body.
 */
public interface Content {

  /** Number of bytes. */
  long size();

  /**
   * Copies bytes {@code [offset, offset + len)} into {@code buf[off, off + len)}.
   *
   * @throws IndexOutOfBoundsException if either span is out of bounds
   */
  void read(long offset, byte[] buf, int off, int len);

  /** Content backed by a copy of {@code bytes}, so later changes to the array are not served. */
  static Content of(byte[] bytes) {
    return new ArrayContent(bytes.clone());
  }

  /**
   * Deterministic pseudo-random content of any size, generated on demand: the same {@code (size,
   * seed)} always yields the same bytes, and reading a slice costs only that slice.
   */
  static Content random(long size, long seed) {
    return new RandomContent(size, seed);
  }

  /**
   * The whole content as a new array.
   *
   * @throws IllegalStateException if it cannot fit in a Java array
   */
  default byte[] bytes() {
    if (size() > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("content of " + size() + " bytes does not fit an array");
    }
    return slice(0, (int) size());
  }

  /** Bytes {@code [offset, offset + length)} as a new array. */
  default byte[] slice(long offset, int length) {
    byte[] slice = new byte[length];
    read(offset, slice, 0, length);
    return slice;
  }

  /** Lowercase hex SHA-256 of the whole content, computed in chunks so any size works. */
  default String sha256() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide SHA-256", e);
    }
    byte[] chunk = new byte[(int) Math.min(size(), 1 << 16)];
    for (long pos = 0; pos < size(); ) {
      int n = (int) Math.min(chunk.length, size() - pos);
      read(pos, chunk, 0, n);
      digest.update(chunk, 0, n);
      pos += n;
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
