package dev.ferry.swarm.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * BEP 3's handshake: {@code \x13BitTorrent protocol}, 8 reserved bytes, the 20-byte (truncated)
 * info-hash and the 20-byte peer id; 68 bytes in all.
 */
public record Handshake(Reserved reserved, byte[] infoHash, PeerId peerId) {
  public static final String PROTOCOL = "BitTorrent protocol";
  public static final int INFO_HASH_SIZE = 20;
  public static final int SIZE = 1 + 19 + 8 + INFO_HASH_SIZE + PeerId.SIZE;

  private static final byte[] PROTOCOL_BYTES = PROTOCOL.getBytes(StandardCharsets.US_ASCII);

  public Handshake {
    if (infoHash.length != INFO_HASH_SIZE) {
      throw new IllegalArgumentException("the handshake's info-hash has 20 bytes");
    }
    infoHash = infoHash.clone();
  }

  @Override
  public byte[] infoHash() {
    return infoHash.clone();
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(SIZE);
    out.put((byte) PROTOCOL_BYTES.length).put(PROTOCOL_BYTES).putLong(reserved.bits());
    out.put(infoHash).put(peerId.bytes());
    return out.array();
  }

  /**
   * Reads a handshake from {@code in} if all 68 bytes are there (else returns null, reading
   * nothing); refuses, as soon as the bytes that show it have come, another protocol.
   */
  public static Handshake decode(ByteBuffer in) throws WireException {
    int start = in.position();
    int seen = Math.min(in.remaining(), 1 + PROTOCOL_BYTES.length);
    if (seen > 0 && in.get(start) != PROTOCOL_BYTES.length) {
      throw new WireException(
          "not a BitTorrent handshake: protocol string length "
              + (in.get(start) & 0xff)
              + ", not 19");
    }
    for (int i = 1; i < seen; i++) {
      if (in.get(start + i) != PROTOCOL_BYTES[i - 1]) {
        byte[] got = new byte[seen - 1];
        in.get(start + 1, got);
        throw new WireException(
            "not a BitTorrent handshake: protocol "
                + HexFormat.of().formatHex(got)
                + ", not \"BitTorrent protocol\"");
      }
    }
    if (in.remaining() < SIZE) {
      return null;
    }
    in.position(start + 1 + PROTOCOL_BYTES.length);
    Reserved reserved = new Reserved(in.getLong());
    byte[] infoHash = new byte[INFO_HASH_SIZE];
    in.get(infoHash);
    byte[] peerId = new byte[PeerId.SIZE];
    in.get(peerId);
    return new Handshake(reserved, infoHash, PeerId.of(peerId));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Handshake that
        && reserved.equals(that.reserved)
        && Arrays.equals(infoHash, that.infoHash)
        && peerId.equals(that.peerId);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * reserved.hashCode() + Arrays.hashCode(infoHash)) + peerId.hashCode();
  }

  @Override
  public String toString() {
    return "Handshake["
        + reserved
        + ", infoHash="
        + HexFormat.of().formatHex(infoHash)
        + ", peerId="
        + peerId
        + "]";
  }
}
