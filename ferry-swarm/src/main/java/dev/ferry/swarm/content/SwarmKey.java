package dev.ferry.swarm.content;

import dev.ferry.swarm.torrent.InfoHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The 20 bytes a swarm is announced under, to trackers (their {@code info_hash}) and on the local
 * network (BEP 14's {@code Infohash}, 40 hex digits).
 *
 * <p>The public swarm of some content is announced under its v2 info-hash truncated to 20 bytes
 * (BEP 52), as every BitTorrent v2 client does, and as the peer handshake carries it. BEP 14
 * predates v2 and carries v1-length hashes only; for a v2 torrent libtorrent (2.0.8, {@code
 * torrent::lsd_announce} through {@code info_hash_t::for_each}) announces the same truncated hash.
 *
 * <p>A Delivery Optimization group (peers sharing a Group ID) is announced under a key derived from
 * the Group ID and the info-hash: the first 20 bytes of SHA-256 of the ASCII bytes {@code
 * ferry-group}, the 16 bytes of the Group ID and the 32 bytes of the v2 info-hash. Trackers such as
 * opentracker treat {@code /announce/anything} as {@code /announce}, so URLs cannot keep swarms
 * apart; a different key can, on any unmodified tracker: a tracker hands out only the peers
 * announced under the same key, so a machine outside the group, which announces the public key or
 * another group's, never learns the group's peers. Peers still connect with the content's own
 * info-hash: the key only finds them.
 *
 * <p>The Group ID is a <em>scope, not a credential</em>: anyone who knows the GUID and the content
 * can compute the key and join the group's swarm, and the tracker (and anyone watching its traffic)
 * sees which addresses announce it. Peers must still check every piece they receive.
 *
 * <p>The Group ID's 16 bytes are taken in the order its text form reads ({@link
 * UUID#getMostSignificantBits} then {@link UUID#getLeastSignificantBits}, big-endian, RFC 9562's
 * network order), not in the mixed-endian layout of a Windows {@code GUID} struct in memory: the
 * same text gives the same key on every platform.
 */
public final class SwarmKey {
  public static final int SIZE = InfoHash.TRUNCATED_SIZE;

  private static final byte[] GROUP_DOMAIN = "ferry-group".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;

  private SwarmKey(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a swarm key has " + SIZE + " bytes, not " + bytes.length);
    }
    this.bytes = bytes;
  }

  /** A key of these 20 bytes (copied), as a tracker or a neighbour announced it. */
  public static SwarmKey of(byte[] bytes) {
    return new SwarmKey(bytes.clone());
  }

  /** The public swarm of {@code hash}: its first 20 bytes. */
  public static SwarmKey of(InfoHash hash) {
    return new SwarmKey(hash.truncated());
  }

  /** The swarm of {@code hash} among the peers of Group ID {@code group}. */
  public static SwarmKey forGroup(UUID group, InfoHash hash) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    sha256.update(GROUP_DOMAIN);
    sha256.update(
        ByteBuffer.allocate(16)
            .putLong(group.getMostSignificantBits())
            .putLong(group.getLeastSignificantBits())
            .array());
    sha256.update(hash.bytes());
    return new SwarmKey(Arrays.copyOf(sha256.digest(), SIZE));
  }

  /** The key of 40 hex digits, either case. */
  public static SwarmKey parse(String hex) {
    if (hex.length() != 2 * SIZE) {
      throw new IllegalArgumentException("a swarm key has 40 hex digits, not " + hex.length());
    }
    return new SwarmKey(HexFormat.of().parseHex(hex));
  }

  /** The 20 bytes as they go on the wire. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The 40 lower-case hex digits. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** All zeros: libtorrent ignores such a key, and so does Ferry. */
  public boolean isZero() {
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
