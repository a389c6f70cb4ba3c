package dev.ferry.swarm.session;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pieces fetched ahead of any fetch, as a BitTorrent client fetches whatever its peers have: while
 * fetches are being made (an engine reads the file from peers), a peer that unchokes us but has
 * none of the wanted pieces left to ask for is asked for the rarest piece it has that we lack, and
 * that piece, checked, is kept in memory until a fetch takes it. Peers unchoke us in turns of their
 * own; a session that asked only for the pieces its fetches wait on would leave most of the turns
 * it is given unused, and wait on the turns of the few peers that have those pieces.
 *
 * <p>Bounded: at most {@link #KEPT_BYTES} of pieces kept and fetched ahead at once (at least {@link
 * #MOST_PIECES}). Pieces the local copy gained meanwhile (from another source) are dropped, and all
 * of them once no fetch waits and none was made for {@link #ACTIVE_FOR}. Under the session's lock.
 */
final class Ahead {
  private static final Logger LOG = LoggerFactory.getLogger(Ahead.class);

  /** How long after the last fetch pieces are still fetched ahead and kept. */
  static final long ACTIVE_FOR = TimeUnit.SECONDS.toNanos(15);

  /** The most bytes of pieces kept and fetched ahead at once. */
  static final long KEPT_BYTES = 16L << 20;

  /** The fewest pieces kept and fetched ahead at once, whatever their size. */
  static final int MOST_PIECES = 4;

  private final SessionState state;
  private final int most;
  private final Map<Integer, byte[]> kept = new HashMap<>();

  /**
   * Pieces handed to fetches, which the local copy may not have yet (the engine writes, then checks
   * what it wrote): not fetched ahead again.
   */
  private final BitSet handed = new BitSet();

  private long fetchedAt;
  private boolean fetched;
  private long dropped;

  Ahead(SessionState state) {
    this.state = state;
    this.most = (int) Math.max(MOST_PIECES, KEPT_BYTES / state.torrent.pieceLength());
  }

  /** Under the lock: a fetch was made at {@code now}; pieces are fetched ahead for a while. */
  void fetched(long now) {
    fetched = true;
    fetchedAt = now;
  }

  /**
   * Under the lock: whether pieces are fetched ahead at {@code now}: a fetch waits (a reader in
   * order may wait long on one piece, and make no other fetch meanwhile), or one was made lately.
   */
  boolean on(Map<Integer, Wanted> wanted, long now) {
    if (fetched && now - fetchedAt < ACTIVE_FOR) {
      return true;
    }
    for (Wanted w : wanted.values()) {
      if (!w.futures.isEmpty()) {
        // A waiting fetch counts as one made now: the pieces kept outlast the wait by the while.
        fetched = true;
        fetchedAt = now;
        return true;
      }
    }
    return false;
  }

  /** Under the lock: whether the piece is kept here, checked. */
  boolean has(int piece) {
    return kept.containsKey(piece);
  }

  /** Under the lock: the pieces kept here. */
  BitSet kept() {
    BitSet pieces = new BitSet(state.pieceCount);
    kept.keySet().forEach(pieces::set);
    return pieces;
  }

  /** Under the lock: the kept piece's bytes, which it no longer keeps; null if not kept. */
  byte[] take(int piece) {
    byte[] bytes = kept.remove(piece);
    if (bytes != null) {
      handed.set(piece);
    }
    return bytes;
  }

  /** Under the lock: a fetch got the piece. */
  void handed(int piece) {
    handed.set(piece);
  }

  /** Under the lock: a piece fetched ahead passed its check; kept for the fetch that comes. */
  void keep(int piece, byte[] bytes) {
    kept.put(piece, bytes);
  }

  /**
   * Under the lock: a piece to ask p for, fetched ahead, or null: the rarest p has (ties broken by
   * p's salt) that is neither ours, wanted, kept, nor refused by p, while fetches are made and the
   * bound has room, and not handed to a fetch before.
   */
  Wanted choose(Peer p, Map<Integer, Wanted> wanted, Availability availability, long now) {
    if (!on(wanted, now)) {
      return null;
    }
    int ahead = kept.size();
    for (Wanted w : wanted.values()) {
      if (w.ahead) {
        ahead++;
      }
    }
    if (ahead >= most) {
      return null;
    }
    int best = -1;
    long bestScore = Long.MAX_VALUE;
    int from = p.hasAll ? 0 : p.has.nextSetBit(0);
    for (int piece = from; piece >= 0 && piece < state.pieceCount; ) {
      if (!state.announced(piece)
          && !kept.containsKey(piece)
          && !handed.get(piece)
          && !wanted.containsKey(piece)
          && !p.rejected.contains(piece)) {
        long score =
            ((long) Math.min(availability.of(piece), 0xFFFF) << 32)
                | (PiecePicker.mix(p.salt ^ piece) & 0xFFFF_FFFFL);
        if (score < bestScore) {
          bestScore = score;
          best = piece;
        }
      }
      piece = p.hasAll ? piece + 1 : p.has.nextSetBit(piece + 1);
    }
    if (best < 0) {
      return null;
    }
    Wanted w = new Wanted(best, state.pieceLength(best));
    w.ahead = true;
    return w;
  }

  /**
   * Under the lock, once a tick: kept pieces the local copy has since are dropped, and all of them
   * once no fetch waits and none was made for a while.
   */
  void tick(Map<Integer, Wanted> wanted, long now) {
    boolean on = on(wanted, now);
    for (Iterator<Map.Entry<Integer, byte[]>> it = kept.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Integer, byte[]> piece = it.next();
      if (!on || state.announced(piece.getKey())) {
        dropped += piece.getValue().length;
        it.remove();
        LOG.debug(
            "piece {} of {} fetched ahead, dropped unused ({}; {} bytes so far)",
            piece.getKey(),
            state.torrent.infoHash(),
            on ? "the local copy has it" : "no fetch lately",
            dropped);
      }
    }
  }

  /** Under the lock: the session closes. */
  void clear() {
    kept.clear();
    handed.clear();
  }
}
