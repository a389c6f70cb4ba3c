package dev.ferry.swarm.wire;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 20-byte peer id of the handshake, Azureus style: {@code -FY0001-} (client FY, version
 * 0.0.0.1) then 12 random bytes, so that peers and trackers can tell Ferry apart and two Ferry
 * nodes apart.
 */
public final class PeerId {
  public static final int SIZE = 20;

  /** Ferry's client prefix (BEP 20's Azureus style: dash, two letters, four digits, dash). */
  public static final String PREFIX = "-FY0001-";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;

  private PeerId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh id for this node: the prefix and 12 random bytes. */
  public static PeerId random() {
    byte[] bytes = new byte[SIZE];
    RANDOM.nextBytes(bytes);
    byte[] prefix = PREFIX.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, bytes, 0, prefix.length);
    return new PeerId(bytes);
  }

  /** Any peer's id, as it came on the wire. */
  public static PeerId of(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a peer id has 20 bytes, not " + bytes.length);
    }
    return new PeerId(bytes.clone());
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** Whether the id carries Ferry's prefix. */
  public boolean isFerry() {
    return Arrays.equals(
        bytes, 0, PREFIX.length(), PREFIX.getBytes(StandardCharsets.US_ASCII), 0, PREFIX.length());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PeerId that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
