package dev.ferry.swarm.wire;

/**
 * The handshake's 8 reserved bytes as one big-endian long, with the bits Ferry reads and sets: BEP
 * 10's extension protocol (byte 5, 0x10), BEP 6's fast extension (byte 7, 0x04) and BEP 52's v2 bit
 * (byte 7, 0x10: "the 4th most significant bit in the last byte"). BEP 52 defines the v2 bit for a
 * peer that sends a hybrid torrent's SHA-1 info-hash, to offer the upgrade to v2; Ferry only has v2
 * torrents and sends the truncated v2 info-hash, and sets the bit all the same, as saying it speaks
 * v2. libtorrent 2.0.8 accepts it, and answers on a v2 torrent without it (its reserved bytes are
 * {@code 0000000000100005}: extension protocol, fast, and the DHT bit 0x01 Ferry ignores).
 */
public record Reserved(long bits) {
  /** BEP 10, reserved byte 5 (of 0 to 7), 0x10. */
  public static final long EXTENSION_PROTOCOL = 0x10L << 16;

  /** BEP 6, reserved byte 7, 0x04. */
  public static final long FAST = 0x04L;

  /** BEP 52, reserved byte 7, 0x10. */
  public static final long V2 = 0x10L;

  /** What Ferry sends: the extension protocol, the fast extension and v2. */
  public static final Reserved FERRY = new Reserved(EXTENSION_PROTOCOL | FAST | V2);

  public boolean extensionProtocol() {
    return (bits & EXTENSION_PROTOCOL) != 0;
  }

  public boolean fast() {
    return (bits & FAST) != 0;
  }

  public boolean v2() {
    return (bits & V2) != 0;
  }

  @Override
  public String toString() {
    return String.format("Reserved[%016x]", bits);
  }
}
