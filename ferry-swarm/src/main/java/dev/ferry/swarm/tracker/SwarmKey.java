package dev.ferry.swarm.tracker;

import dev.ferry.swarm.torrent.InfoHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The 20 bytes a swarm is announced under: what goes into a tracker's {@code info_hash}.
 *
 * <p>The public swarm of some content is announced under its v2 info-hash truncated to 20 bytes
 * (BEP 52), as every BitTorrent v2 client does. A Delivery Optimization group (peers sharing a
 * Group ID) is announced under a key derived from the Group ID and the info-hash: the first 20
 * bytes of SHA-256 of the ASCII bytes {@code ferry-group}, the 16 bytes of the Group ID and the 32
 * bytes of the v2 info-hash. Trackers such as opentracker treat {@code /announce/anything} as
 * {@code /announce}, so URLs cannot keep swarms apart; a different key can, on any unmodified
 * tracker: a tracker hands out only the peers announced under the same key, so a machine outside
 * the group, which announces the public key or another group's, never learns the group's peers.
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
  public static final int SIZE = 20;

  private static final byte[] GROUP_DOMAIN = "ferry-group".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;
  private final String scope;

  private SwarmKey(byte[] bytes, String scope) {
    this.bytes = bytes;
    this.scope = scope;
  }

  /** The public swarm of {@code hash}: its first 20 bytes. */
  public static SwarmKey of(InfoHash hash) {
    return new SwarmKey(hash.truncated(), "public");
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
    return new SwarmKey(Arrays.copyOf(sha256.digest(), SIZE), "group " + group);
  }

  /** The 20 bytes as they go on the wire. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SwarmKey that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The key and what it scopes ("public" or the group), for logs. */
  @Override
  public String toString() {
    return hex() + " (" + scope + ")";
  }
}
