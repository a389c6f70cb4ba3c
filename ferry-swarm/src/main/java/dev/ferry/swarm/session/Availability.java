package dev.ferry.swarm.session;

import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.WireException;

/**
 * How many connected peers have each piece, from their HAVE, bitfield and HAVE_ALL messages: what
 * the picker's rarest-first order and {@link TorrentSession#available} read. A seed (HAVE_ALL)
 * counts once for every piece rather than in each. Under the session's lock, but for {@link
 * #available} (which takes it) and the checks of what a peer sent (made before it is taken).
 */
final class Availability {
  private final SessionState state;
  private final int[] counts;
  private int seeds;

  Availability(SessionState state) {
    this.state = state;
    this.counts = new int[state.pieceCount];
  }

  /** Under the lock: how many connected peers have the piece. */
  int of(int piece) {
    return counts[piece] + seeds;
  }

  /** See {@link TorrentSession#available}. */
  long available(long offset) {
    if (offset < 0 || offset >= state.torrent.length()) {
      return 0;
    }
    int pieceLength = state.torrent.pieceLength();
    int first = (int) (offset / pieceLength);
    state.lock.lock();
    try {
      int piece = first;
      while (piece < state.pieceCount && of(piece) > 0) {
        piece++;
      }
      if (piece == first) {
        return 0;
      }
      return Math.min(state.torrent.length(), (long) piece * pieceLength) - offset;
    } finally {
      state.lock.unlock();
    }
  }

  /** A HAVE's piece, checked before the lock is taken. */
  void check(int piece) throws WireException {
    if (piece >= state.pieceCount) {
      throw new WireException(
          "have " + piece + ": the torrent has " + state.pieceCount + " pieces");
    }
  }

  /** A bitfield, checked before the lock is taken: exactly the torrent's size. */
  void check(Bitfield b) throws WireException {
    byte[] bits = b.bits();
    int pieceCount = state.pieceCount;
    if (bits.length != (pieceCount + 7) / 8) {
      throw new WireException("a bitfield of " + bits.length + " bytes for " + pieceCount);
    }
    for (int i = pieceCount; i < bits.length * 8; i++) {
      if (b.has(i)) {
        throw new WireException("a bitfield with spare bits set");
      }
    }
  }

  /** Under the lock: p has the piece; whether that is news. */
  boolean have(Peer p, int piece) {
    if (p.hasAll || p.has.get(piece)) {
      return false;
    }
    p.has.set(piece);
    counts[piece]++;
    return true;
  }

  /** Under the lock: p has what the (checked) bitfield says, and nothing else. */
  void bitfield(Peer p, Bitfield b) {
    clear(p);
    for (int i = 0; i < state.pieceCount; i++) {
      if (b.has(i)) {
        p.has.set(i);
        counts[i]++;
      }
    }
  }

  /** Under the lock: p has every piece; whether that is news. */
  boolean haveAll(Peer p) {
    if (p.hasAll) {
      return false;
    }
    clear(p);
    p.hasAll = true;
    seeds++;
    return true;
  }

  /** Under the lock: p is gone, and what it had with it. */
  void gone(Peer p) {
    if (p.hasAll) {
      seeds--;
    } else {
      for (int i = p.has.nextSetBit(0); i >= 0; i = p.has.nextSetBit(i + 1)) {
        counts[i]--;
      }
    }
  }

  private void clear(Peer p) {
    if (p.hasAll) {
      seeds--;
      p.hasAll = false;
    }
    for (int i = p.has.nextSetBit(0); i >= 0; i = p.has.nextSetBit(i + 1)) {
      counts[i]--;
    }
    p.has.clear();
  }
}
