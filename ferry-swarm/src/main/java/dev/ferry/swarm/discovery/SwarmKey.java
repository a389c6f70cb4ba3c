package dev.ferry.swarm.discovery;

import dev.ferry.swarm.torrent.InfoHash;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a swarm is announced by on the local network: 20 bytes, 40 hex digits on the wire. BEP 14
 * predates BitTorrent v2 and carries v1-length hashes only; for a v2 torrent libtorrent (2.0.8,
 * {@code torrent::lsd_announce} through {@code info_hash_t::for_each}) announces the v2 info-hash
 * truncated to its first 20 bytes, and a hybrid torrent's v1 hash in a datagram of its own beside
 * it. Ferry's torrents are v2, so {@link #of(InfoHash)} takes the truncated hash, which is also the
 * one the peer handshake carries.
 *
 * @param bytes the 20 bytes; copied in and out
 */
public record SwarmKey(byte[] bytes) {
  public static final int SIZE = InfoHash.TRUNCATED_SIZE;

  public SwarmKey {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a swarm key has " + SIZE + " bytes, not " + bytes.length);
    }
    bytes = bytes.clone();
  }

  /** The key a v2 torrent is announced by: its info-hash's first 20 bytes. */
  public static SwarmKey of(InfoHash hash) {
    return new SwarmKey(hash.truncated());
  }

  /** The key of 40 hex digits, either case. */
  public static SwarmKey parse(String hex) {
    if (hex.length() != 2 * SIZE) {
      throw new IllegalArgumentException("a swarm key has 40 hex digits, not " + hex.length());
    }
    return new SwarmKey(HexFormat.of().parseHex(hex));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The 40 lower-case hex digits the wire carries. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** All zeros: libtorrent ignores such a key, and so does Ferry. */
  boolean isZero() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SwarmKey that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
