package dev.ferry.swarm.wire;

import dev.ferry.swarm.wire.Message.AllowedFast;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Cancel;
import dev.ferry.swarm.wire.Message.Extended;
import dev.ferry.swarm.wire.Message.HashRange;
import dev.ferry.swarm.wire.Message.HashReject;
import dev.ferry.swarm.wire.Message.HashRequest;
import dev.ferry.swarm.wire.Message.Hashes;
import dev.ferry.swarm.wire.Message.Have;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.RejectRequest;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.Message.Suggest;
import java.nio.ByteBuffer;

/**
 * Messages to bytes and back: {@link #encode} writes the length prefix, id and payload; {@link
 * #checkLength} judges a length prefix and id against the limits (before the payload is read), and
 * {@link #decodePayload} reads a payload whose length it accepted.
 */
public final class MessageCodec {
  /** A piece message's index and begin. */
  static final int PIECE_HEADER = 8;

  /** A request's (cancel's, reject's) index, begin and length. */
  static final int BLOCK_REF = 12;

  /** A hash request's (reject's, hashes') pieces root, base layer, index, length, proof layers. */
  static final int HASH_RANGE = 32 + 16;

  private MessageCodec() {}

  /** The message with its 4-byte length prefix. */
  public static byte[] encode(Message message) {
    if (message == Signal.KEEP_ALIVE) {
      return new byte[4];
    }
    int payload =
        switch (message) {
          case Signal s -> 0;
          case Have h -> 4;
          case Suggest s -> 4;
          case AllowedFast a -> 4;
          case Bitfield b -> b.bits().length;
          case Request r -> BLOCK_REF;
          case Cancel c -> BLOCK_REF;
          case RejectRequest r -> BLOCK_REF;
          case Piece p -> PIECE_HEADER + p.length();
          case Extended e -> 1 + e.payload().length;
          case HashRequest h -> HASH_RANGE;
          case HashReject h -> HASH_RANGE;
          case Hashes h -> HASH_RANGE + h.hashes().length;
        };
    ByteBuffer out = ByteBuffer.allocate(5 + payload);
    out.putInt(1 + payload).put((byte) message.id());
    switch (message) {
      case Signal s -> {}
      case Have h -> out.putInt(h.piece());
      case Suggest s -> out.putInt(s.piece());
      case AllowedFast a -> out.putInt(a.piece());
      case Bitfield b -> out.put(b.bits());
      case Request r -> put(out, r.block());
      case Cancel c -> put(out, c.block());
      case RejectRequest r -> put(out, r.block());
      case Piece p -> out.putInt(p.piece()).putInt(p.begin()).put(p.block());
      case Extended e -> out.put((byte) e.extendedId()).put(e.payload());
      case HashRequest h -> put(out, h.range());
      case HashReject h -> put(out, h.range());
      case Hashes h -> put(out, h.range()).put(h.hashes());
    }
    return out.array();
  }

  /**
   * A piece message's length prefix, id, index and begin: what {@link #encode} writes before a
   * block of {@code length} bytes, so that a sender can write the block from where it lies without
   * copying it into a message first.
   */
  public static byte[] pieceHeader(int piece, int begin, int length) {
    return ByteBuffer.allocate(4 + 1 + PIECE_HEADER)
        .putInt(1 + PIECE_HEADER + length)
        .put((byte) 7)
        .putInt(piece)
        .putInt(begin)
        .array();
  }

  private static void put(ByteBuffer out, BlockRef block) {
    out.putInt(block.piece()).putInt(block.begin()).putInt(block.length());
  }

  private static ByteBuffer put(ByteBuffer out, HashRange range) {
    return out.put(range.piecesRoot())
        .putInt(range.baseLayer())
        .putInt(range.index())
        .putInt(range.length())
        .putInt(range.proofLayers());
  }

  /** Whether Ferry knows message {@code id}; others are skipped. */
  static boolean known(int id) {
    return (id >= 0 && id <= 8) || (id >= 0x0D && id <= 0x11) || (id >= 20 && id <= 23);
  }

  /**
   * Refuses a length prefix above what any message may have: called before the id is read, so
   * nothing is allocated for a hostile length.
   */
  static void checkLength(long length, WireLimits limits) throws WireException {
    if (length > limits.maxMessageLength()) {
      throw new WireException(
          "message length " + length + " over the limit of " + limits.maxMessageLength());
    }
  }

  /** Refuses a payload length that message {@code id} cannot have, or that the limits forbid. */
  static void checkPayload(int id, int payload, WireLimits limits) throws WireException {
    boolean fits =
        switch (id) {
          case 0, 1, 2, 3, 0x0E, 0x0F -> payload == 0;
          case 4, 0x0D, 0x11 -> payload == 4;
          case 5 -> payload <= limits.maxBitfieldBytes();
          case 6, 8, 0x10 -> payload == BLOCK_REF;
          case 7 -> payload >= PIECE_HEADER && payload - PIECE_HEADER <= limits.maxBlock();
          case 20 -> payload >= 1 && payload - 1 <= limits.maxExtended();
          case 21, 23 -> payload == HASH_RANGE;
          case 22 ->
              payload >= HASH_RANGE
                  && (payload - HASH_RANGE) % 32 == 0
                  && (payload - HASH_RANGE) / 32 <= limits.maxHashes();
          default -> true;
        };
    if (!fits) {
      throw new WireException("message " + id + " cannot have a payload of " + payload + " bytes");
    }
  }

  /** Decodes message {@code id}'s payload, which {@link #checkPayload} accepted. */
  static Message decodePayload(int id, ByteBuffer in, WireLimits limits) throws WireException {
    return switch (id) {
      case 0 -> Signal.CHOKE;
      case 1 -> Signal.UNCHOKE;
      case 2 -> Signal.INTERESTED;
      case 3 -> Signal.NOT_INTERESTED;
      case 0x0E -> Signal.HAVE_ALL;
      case 0x0F -> Signal.HAVE_NONE;
      case 4 -> new Have(index(in));
      case 0x0D -> new Suggest(index(in));
      case 0x11 -> new AllowedFast(index(in));
      case 5 -> new Bitfield(rest(in));
      case 6 -> new Request(requested(blockRef(in), limits));
      case 8 -> new Cancel(blockRef(in));
      case 0x10 -> new RejectRequest(blockRef(in));
      case 7 -> new Piece(index(in), offset(in), in.slice());
      case 20 -> new Extended(in.get() & 0xff, rest(in));
      case 21 -> new HashRequest(hashRange(in));
      case 23 -> new HashReject(hashRange(in));
      case 22 -> new Hashes(hashRange(in), rest(in));
      default -> throw new IllegalArgumentException("unknown message " + id);
    };
  }

  private static BlockRef requested(BlockRef block, WireLimits limits) throws WireException {
    if (block.length() < 1 || block.length() > limits.maxBlock()) {
      throw new WireException(
          "request of " + Integer.toUnsignedString(block.length()) + " bytes refused");
    }
    return block;
  }

  private static BlockRef blockRef(ByteBuffer in) throws WireException {
    int piece = index(in);
    int begin = offset(in);
    return new BlockRef(piece, begin, in.getInt());
  }

  private static HashRange hashRange(ByteBuffer in) {
    byte[] root = new byte[HashRange.ROOT_SIZE];
    in.get(root);
    return new HashRange(root, in.getInt(), in.getInt(), in.getInt(), in.getInt());
  }

  /** A piece index: unsigned on the wire, refused above 2^31 - 1. */
  private static int index(ByteBuffer in) throws WireException {
    int value = in.getInt();
    if (value < 0) {
      throw new WireException("piece index " + Integer.toUnsignedString(value) + " out of range");
    }
    return value;
  }

  private static int offset(ByteBuffer in) throws WireException {
    int value = in.getInt();
    if (value < 0) {
      throw new WireException("offset " + Integer.toUnsignedString(value) + " out of range");
    }
    return value;
  }

  private static byte[] rest(ByteBuffer in) {
    byte[] bytes = new byte[in.remaining()];
    in.get(bytes);
    return bytes;
  }
}
