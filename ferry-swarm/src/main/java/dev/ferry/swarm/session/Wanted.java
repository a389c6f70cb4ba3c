package dev.ferry.swarm.session;

import dev.ferry.engine.integrity.Bep52;
import dev.ferry.swarm.wire.Message.BlockRef;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A piece some fetch wants, and its blocks: which are asked for, of how many peers, which are here
 * and who sent them; and, once it failed its check, the bad copy and who is suspected. Under the
 * session's lock.
 */
final class Wanted {
  static final int BLOCK = Bep52.BLOCK_SIZE;

  static final byte NONE = 0;
  static final byte REQUESTED = 1;
  static final byte RECEIVED = 2;

  final int piece;
  final int length;
  final int blocks;
  final List<CompletableFuture<ByteBuffer>> futures = new ArrayList<>();
  final byte[] state;
  final int[] requests;
  Peer[] sender;
  byte[] data;
  int unrequested;
  int received;
  boolean verifying;

  /** A fetch waits on it now, in order: asked before the rest, and of a second peer if need be. */
  boolean urgent;

  /** Wanted by no fetch yet: fetched ahead ({@link Ahead}), asked after the pieces fetches want. */
  boolean ahead;

  final Set<Peer> suspects = new HashSet<>();
  byte[] badCopy;
  Peer[] badSenders;

  Wanted(int piece, int length) {
    this.piece = piece;
    this.length = length;
    this.blocks = blocks(length);
    this.state = new byte[blocks];
    this.requests = new int[blocks];
    this.sender = new Peer[blocks];
    this.unrequested = blocks;
  }

  /** Block b as a request or cancel names it. */
  BlockRef ref(int b) {
    int begin = b * BLOCK;
    return new BlockRef(piece, begin, Math.min(BLOCK, length - begin));
  }

  /** One request of block b withdrawn: with none left, a block not here is to be asked again. */
  void unrequest(int b) {
    requests[b]--;
    if (state[b] == REQUESTED && requests[b] == 0) {
      state[b] = NONE;
      unrequested++;
    }
  }

  static int blocks(int length) {
    return (length + BLOCK - 1) / BLOCK;
  }

  /** A block's key in a peer's outstanding requests. */
  static long key(int piece, int block) {
    return ((long) piece << 32) | block;
  }

  static int keyPiece(long key) {
    return (int) (key >>> 32);
  }

  static int keyBlock(long key) {
    return (int) key;
  }
}
