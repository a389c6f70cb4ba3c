package dev.ferry.swarm.session;

import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BInteger;
import dev.ferry.swarm.bencode.Bdecoder;
import dev.ferry.swarm.bencode.BencodeException;
import dev.ferry.swarm.bencode.Bencoder;
import dev.ferry.swarm.wire.WireException;
import java.util.Arrays;

/**
 * A BEP 9 {@code ut_metadata} message: a bencoded dictionary ({@code msg_type} 0 request, 1 data, 2
 * reject; {@code piece}; {@code total_size} with data) followed, for data, by the piece's bytes.
 * The info dictionary travels in pieces of {@link #PIECE} bytes, the last one shorter.
 */
record MetadataMessage(int type, int piece, long totalSize, byte[] data) {
  static final String EXTENSION = "ut_metadata";
  static final int REQUEST = 0;
  static final int DATA = 1;
  static final int REJECT = 2;
  static final int PIECE = 16 * 1024;

  /** The largest info dictionary taken from a peer; a torrent's is far smaller. */
  static final int MAX_SIZE = 64 << 20;

  private static final Bdecoder.Limits LIMITS = new Bdecoder.Limits(4, 64);

  static MetadataMessage request(int piece) {
    return new MetadataMessage(REQUEST, piece, -1, new byte[0]);
  }

  static MetadataMessage reject(int piece) {
    return new MetadataMessage(REJECT, piece, -1, new byte[0]);
  }

  /** Piece {@code piece} of {@code info}, the encoded info dictionary. */
  static MetadataMessage data(int piece, byte[] info) {
    int from = piece * PIECE;
    return new MetadataMessage(
        DATA,
        piece,
        info.length,
        Arrays.copyOfRange(info, from, Math.min(info.length, from + PIECE)));
  }

  /** How many pieces an info dictionary of {@code size} bytes has. */
  static int pieces(long size) {
    return (int) ((size + PIECE - 1) / PIECE);
  }

  byte[] encode() {
    BDict.Builder dict = BDict.builder().put("msg_type", type).put("piece", piece);
    if (type == DATA) {
      dict.put("total_size", totalSize);
    }
    byte[] head = Bencoder.encode(dict.build());
    byte[] out = Arrays.copyOf(head, head.length + data.length);
    System.arraycopy(data, 0, out, head.length, data.length);
    return out;
  }

  static MetadataMessage decode(byte[] payload) throws WireException {
    Bdecoder.Prefix prefix;
    try {
      prefix = Bdecoder.decodePrefix(payload, false, LIMITS);
    } catch (BencodeException e) {
      throw new WireException("ut_metadata: " + e.getMessage());
    }
    if (!(prefix.value() instanceof BDict dict)
        || !(dict.get("msg_type") instanceof BInteger(long type))
        || !(dict.get("piece") instanceof BInteger(long piece))
        || type < 0
        || type > 2
        || piece < 0
        || piece > MAX_SIZE / PIECE) {
      throw new WireException("ut_metadata message without a usable msg_type and piece");
    }
    long total = dict.get("total_size") instanceof BInteger(long t) ? t : -1;
    byte[] data = Arrays.copyOfRange(payload, prefix.length(), payload.length);
    if (type != DATA && data.length > 0) {
      throw new WireException("ut_metadata " + type + " with bytes after its dictionary");
    }
    return new MetadataMessage((int) type, (int) piece, total, data);
  }
}
