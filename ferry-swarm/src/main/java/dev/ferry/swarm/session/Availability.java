package dev.ferry.swarm.session;

import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.WireException;

/**
 * How many connected peers have each piece, from their HAVE, bitfield and HAVE_ALL messages: what
 * the picker's rarest-first order, {@link TorrentSession#available} and {@link TorrentSession#held}
 * read. A seed (HAVE_ALL) counts once for every piece rather than in each. Under the session's
 * lock, but for {@link #available} and {@link #held} (which take it) and the checks of what a peer
 * sent (made before it is taken).
 */
final class Availability {
  private final SessionState state;
  private final Ahead ahead;
  private final int[] counts;
  private int seeds;

  Availability(SessionState state, Ahead ahead) {
    this.state = state;
    this.ahead = ahead;
    this.counts = new int[state.pieceCount];
  }

  /** Under the lock: how many connected peers have the piece. */
  int of(int piece) {
    return counts[piece] + seeds;
  }

  /** See {@link TorrentSession#available}. */
  long available(long offset) {
    return run(offset, true);
  }

  /** See {@link TorrentSession#held}. */
  long held(long offset) {
    return run(offset, false);
  }

  /**
   * The bytes from {@code offset} to the end of the run of pieces kept here ({@link Ahead}) or that
   * some connected peer has, or (unchoking) some that also unchokes us and is not banned.
   */
  private long run(long offset, boolean unchoking) {
    if (offset < 0 || offset >= state.torrent.length()) {
      return 0;
    }
    int pieceLength = state.torrent.pieceLength();
    int first = (int) (offset / pieceLength);
    state.lock.lock();
    try {
      int piece = first;
      while (piece < state.pieceCount
          && (ahead.has(piece) || (of(piece) > 0 && (!unchoking || sentBySomeone(piece))))) {
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

  /** Under the lock: whether a peer that unchokes us, not banned, has the piece. */
  private boolean sentBySomeone(int piece) {
    for (Peer p : state.peers.values()) {
      if (!p.chokesUs && !p.banned && p.has(piece)) {
        return true;
      }
    }
    return false;
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
