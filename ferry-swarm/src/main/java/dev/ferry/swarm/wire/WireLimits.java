package dev.ferry.swarm.wire;

/**
 * Bounds on what a peer may send, checked against each message's length prefix (and id) before
 * anything is allocated for it.
 *
 * @param maxBlock the largest block a piece message may carry and a request may ask for (BEP 52:
 *     "All current implementations use 2^14 (16 kiB), and close connections which request an amount
 *     greater than that")
 * @param maxBitfieldBytes the largest bitfield: one bit per piece, {@code ceil(pieces / 8)}
 * @param maxExtended the largest extended message payload after its id byte (BEP 9's metadata
 *     pieces are 16 KiB and a small dictionary)
 * @param maxHashes how many 32-byte hashes a hashes message may carry, proof hashes included
 */
public record WireLimits(int maxBlock, int maxBitfieldBytes, int maxExtended, int maxHashes) {
  public static final int BLOCK = 16 * 1024;

  /** BEP 52: a hash request's length "SHOULD NOT be greater than 512"; 64 more for proofs. */
  public static final int HASHES = 512 + 64;

  /** A BEP 9 metadata piece (16 KiB) and its dictionary. */
  public static final int EXTENDED = 16 * 1024 + 512;

  public WireLimits {
    if (maxBlock < 1 || maxBitfieldBytes < 0 || maxExtended < 0 || maxHashes < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
    if (maxBitfieldBytes > 1 << 28 || maxExtended > 1 << 28 || maxHashes > 1 << 22) {
      throw new IllegalArgumentException("limits must keep a message under 2^31 bytes");
    }
  }

  /** The default bounds for a torrent of {@code pieces} pieces. */
  public static WireLimits forPieces(long pieces) {
    if (pieces < 0 || pieces > (1L << 31)) {
      throw new IllegalArgumentException("piece count out of range: " + pieces);
    }
    return new WireLimits(BLOCK, (int) ((pieces + 7) / 8), EXTENDED, HASHES);
  }

  /** The longest message (its length prefix's value: id and payload) any kind may have. */
  public int maxMessageLength() {
    int longest = 1 + MessageCodec.PIECE_HEADER + maxBlock;
    longest = Math.max(longest, 1 + maxBitfieldBytes);
    longest = Math.max(longest, 2 + maxExtended);
    longest = Math.max(longest, 1 + MessageCodec.HASH_RANGE + maxHashes * 32);
    return longest;
  }
}
