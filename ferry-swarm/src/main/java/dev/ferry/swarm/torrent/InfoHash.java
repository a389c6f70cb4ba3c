package dev.ferry.swarm.torrent;

import dev.ferry.engine.integrity.Bep52;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A v2 info-hash: the SHA-256 of the bencoded info dictionary. Trackers, DHT and the peer handshake
 * carry it truncated to its first 20 bytes ({@link #truncated}).
 */
public final class InfoHash {
  /** What the wire carries (BEP 52: "for some uses ... truncated to 20 bytes"). */
  public static final int TRUNCATED_SIZE = 20;

  private final byte[] sha256;

  private InfoHash(byte[] sha256) {
    this.sha256 = sha256;
  }

  /** The info-hash of an encoded info dictionary. */
  public static InfoHash ofInfo(byte[] encodedInfo) {
    try {
      return new InfoHash(MessageDigest.getInstance("SHA-256").digest(encodedInfo));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** An info-hash given as 64 hex digits. */
  public static InfoHash parse(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    if (bytes.length != Bep52.HASH_SIZE) {
      throw new IllegalArgumentException("a v2 info-hash has 64 hex digits, not " + hex.length());
    }
    return new InfoHash(bytes);
  }

  public byte[] bytes() {
    return sha256.clone();
  }

  /** The 64 lower-case hex digits of the whole hash. */
  public String hex() {
    return HexFormat.of().formatHex(sha256);
  }

  /** The first 20 bytes, as trackers and handshakes carry it. */
  public byte[] truncated() {
    return Arrays.copyOf(sha256, TRUNCATED_SIZE);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InfoHash that && Arrays.equals(sha256, that.sha256);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return hex();
  }
}
