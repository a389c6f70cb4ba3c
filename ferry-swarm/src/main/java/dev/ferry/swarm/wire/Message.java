package dev.ferry.swarm.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A peer wire message (after the handshake): BEP 3's, BEP 6's fast extension, BEP 10's extended
 * messages and BEP 52's hash messages. Byte arrays are copied in and out, and compared by content.
 */
public sealed interface Message {
  /** The message's id on the wire; -1 for the keep-alive, which has none. */
  int id();

  /** The messages without a payload. */
  enum Signal implements Message {
    KEEP_ALIVE(-1),
    CHOKE(0),
    UNCHOKE(1),
    INTERESTED(2),
    NOT_INTERESTED(3),
    HAVE_ALL(0x0E),
    HAVE_NONE(0x0F);

    private final int id;

    Signal(int id) {
      this.id = id;
    }

    @Override
    public int id() {
      return id;
    }
  }

  /** A block of a piece: the payload of request, cancel and reject request. */
  record BlockRef(int piece, int begin, int length) {}

  /** BEP 52's payload of hash request and hash reject: which hashes of which file's tree. */
  record HashRange(byte[] piecesRoot, int baseLayer, int index, int length, int proofLayers) {
    public static final int ROOT_SIZE = 32;

    public HashRange {
      if (piecesRoot.length != ROOT_SIZE) {
        throw new IllegalArgumentException("a pieces root has 32 bytes");
      }
      piecesRoot = piecesRoot.clone();
    }

    @Override
    public byte[] piecesRoot() {
      return piecesRoot.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof HashRange that
          && Arrays.equals(piecesRoot, that.piecesRoot)
          && baseLayer == that.baseLayer
          && index == that.index
          && length == that.length
          && proofLayers == that.proofLayers;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(
          new int[] {Arrays.hashCode(piecesRoot), baseLayer, index, length, proofLayers});
    }

    @Override
    public String toString() {
      return "HashRange[root="
          + HexFormat.of().formatHex(piecesRoot)
          + ", base="
          + baseLayer
          + ", index="
          + index
          + ", length="
          + length
          + ", proof="
          + proofLayers
          + "]";
    }
  }

  /** 4: the sender has this piece now. */
  record Have(int piece) implements Message {
    @Override
    public int id() {
      return 4;
    }
  }

  /** 5: the pieces the sender has, piece 0 in the high bit of the first byte. */
  record Bitfield(byte[] bits) implements Message {
    public Bitfield {
      bits = bits.clone();
    }

    @Override
    public byte[] bits() {
      return bits.clone();
    }

    public boolean has(int piece) {
      int at = piece >>> 3;
      return at < bits.length && (bits[at] & (0x80 >>> (piece & 7))) != 0;
    }

    @Override
    public int id() {
      return 5;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Bitfield that && Arrays.equals(bits, that.bits);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
      return "Bitfield[" + HexFormat.of().formatHex(bits) + "]";
    }
  }

  /** 6: asks for a block. */
  record Request(BlockRef block) implements Message {
    @Override
    public int id() {
      return 6;
    }
  }

  /**
   * 7: a block's bytes, read-only. A decoded one shares the array the decoder read it into, which
   * nothing else holds: a block is copied once, into its piece, not once per hand it passes.
   */
  record Piece(int piece, int begin, ByteBuffer block) implements Message {
    public Piece {
      block = block.slice().asReadOnlyBuffer();
    }

    /** A block of a copy of {@code data}. */
    public static Piece of(int piece, int begin, byte[] data) {
      return new Piece(piece, begin, ByteBuffer.wrap(data.clone()));
    }

    @Override
    public ByteBuffer block() {
      return block.duplicate();
    }

    /** The block's size in bytes. */
    public int length() {
      return block.remaining();
    }

    /** Copies the block into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
      block.get(0, target, offset, block.remaining());
    }

    /** A copy of the block's bytes. */
    public byte[] data() {
      byte[] data = new byte[block.remaining()];
      copyTo(data, 0);
      return data;
    }

    @Override
    public int id() {
      return 7;
    }

    @Override
    public String toString() {
      return "Piece[piece=" + piece + ", begin=" + begin + ", " + length() + " bytes]";
    }
  }

  /** 8: withdraws a request. */
  record Cancel(BlockRef block) implements Message {
    @Override
    public int id() {
      return 8;
    }
  }

  /** 0x0D (BEP 6): the sender suggests downloading this piece. */
  record Suggest(int piece) implements Message {
    @Override
    public int id() {
      return 0x0D;
    }
  }

  /** 0x10 (BEP 6): the sender will not serve this request. */
  record RejectRequest(BlockRef block) implements Message {
    @Override
    public int id() {
      return 0x10;
    }
  }

  /** 0x11 (BEP 6): the receiver may request this piece even while choked. */
  record AllowedFast(int piece) implements Message {
    @Override
    public int id() {
      return 0x11;
    }
  }

  /**
   * 20 (BEP 10): an extension's message, under the id the receiver gave the extension in its
   * handshake; id 0 is the extension handshake itself ({@link ExtensionHandshake}).
   */
  record Extended(int extendedId, byte[] payload) implements Message {
    public static final int HANDSHAKE = 0;

    public Extended {
      if (extendedId < 0 || extendedId > 255) {
        throw new IllegalArgumentException("an extended message id is one byte");
      }
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public int id() {
      return 20;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Extended that
          && extendedId == that.extendedId
          && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
      return 31 * extendedId + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Extended[" + extendedId + ", " + payload.length + " bytes]";
    }
  }

  /** 21 (BEP 52): asks for hashes of a file's merkle tree. */
  record HashRequest(HashRange range) implements Message {
    @Override
    public int id() {
      return 21;
    }
  }

  /**
   * 22 (BEP 52): the hashes asked for, base layer first, then the uncle hashes of the proof layers,
   * the one closest to the root last; 32 bytes each.
   */
  record Hashes(HashRange range, byte[] hashes) implements Message {
    public Hashes {
      if (hashes.length % HashRange.ROOT_SIZE != 0) {
        throw new IllegalArgumentException("hashes come in 32 bytes each");
      }
      hashes = hashes.clone();
    }

    @Override
    public byte[] hashes() {
      return hashes.clone();
    }

    @Override
    public int id() {
      return 22;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Hashes that
          && range.equals(that.range)
          && Arrays.equals(hashes, that.hashes);
    }

    @Override
    public int hashCode() {
      return 31 * range.hashCode() + Arrays.hashCode(hashes);
    }

    @Override
    public String toString() {
      return "Hashes[" + range + ", " + hashes.length / HashRange.ROOT_SIZE + " hashes]";
    }
  }

  /** 23 (BEP 52): the sender will not serve this hash request. */
  record HashReject(HashRange range) implements Message {
    @Override
    public int id() {
      return 23;
    }
  }
}
