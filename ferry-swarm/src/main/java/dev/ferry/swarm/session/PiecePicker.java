package dev.ferry.swarm.session;

import static dev.ferry.swarm.session.Wanted.BLOCK;
import static dev.ferry.swarm.session.Wanted.NONE;
import static dev.ferry.swarm.session.Wanted.REQUESTED;
import static dev.ferry.swarm.session.Wanted.key;
import static dev.ferry.swarm.session.Wanted.keyBlock;
import static dev.ferry.swarm.session.Wanted.keyPiece;

import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.WireException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wanted pieces and which of their blocks each peer is asked for: of peers that have a piece
 * and unchoke us, pipelined (each peer's queue of outstanding requests follows the rate it gives, a
 * second's worth, from {@link #MIN_PIPELINE} to {@link #MAX_PIPELINE}), urgent pieces first (those
 * a fetch in order waits on: the rest of its window is of no use until they come), then pieces
 * already begun, then rarest first ({@link Availability}; ties broken at random, per peer, so that
 * peers spread over the pieces). When every block of every wanted piece is asked for, an idle peer
 * asks again for blocks outstanding elsewhere (the endgame), and for an urgent piece's blocks it
 * does so at once. A peer that sends nothing for {@link #SNUB_AFTER} is snubbed: its requests go to
 * others, and it is asked for one block at a time until it sends one. A peer with room left and
 * none of the wanted pieces to ask for is asked for a piece fetched ahead ({@link Ahead}). Under
 * the session's lock, but for its entry points.
 */
final class PiecePicker {
  private static final Logger LOG = LoggerFactory.getLogger(PiecePicker.class);

  static final long SNUB_AFTER = TimeUnit.SECONDS.toNanos(60);
  static final int MIN_PIPELINE = 16;
  static final int MAX_PIPELINE = 500;

  /** A snubbed peer is asked for one block at a time until it sends one. */
  static final int SNUBBED_PIPELINE = 1;

  /** How many requests an idle peer makes for blocks outstanding elsewhere, in the endgame. */
  private static final int ENDGAME_REQUESTS = MIN_PIPELINE;

  private final SessionState state;
  private final Availability availability;
  private final Ahead ahead;
  private final Map<Integer, Wanted> wanted = new LinkedHashMap<>();

  /** How many wanted pieces are urgent. */
  private int urgent;

  PiecePicker(SessionState state, Availability availability, Ahead ahead) {
    this.state = state;
    this.availability = availability;
    this.ahead = ahead;
  }

  // ---- the wanted pieces, under the lock ----

  Wanted wanted(int piece) {
    return wanted.get(piece);
  }

  Collection<Wanted> wanted() {
    return wanted.values();
  }

  void want(Wanted w) {
    wanted.put(w.piece, w);
  }

  void unwant(int piece) {
    Wanted w = wanted.remove(piece);
    if (w != null && w.urgent) {
      urgent--;
    }
  }

  void unwantAll() {
    wanted.clear();
    urgent = 0;
  }

  /** Under the lock: a fetch waits on {@code w} now; its blocks are asked first. */
  void hurry(Wanted w) {
    if (w.urgent || wanted.get(w.piece) != w) {
      return;
    }
    w.urgent = true;
    urgent++;
    fillAll();
  }

  /**
   * Under the lock: what became of a wanted piece's blocks, and of whom they are asked, for a
   * message on a piece long awaited.
   */
  String progress(int piece) {
    Wanted w = wanted.get(piece);
    if (w == null) {
      return "not wanted";
    }
    int asked = 0;
    for (int b = 0; b < w.blocks; b++) {
      if (w.state[b] == REQUESTED) {
        asked++;
      }
    }
    StringBuilder of = new StringBuilder();
    int refusing = 0;
    for (Peer q : state.peers.values()) {
      if (q.rejected.contains(piece)) {
        refusing++;
      }
      int blocks = 0;
      for (int b = 0; b < w.blocks; b++) {
        if (q.outstanding.contains(key(piece, b))) {
          blocks++;
        }
      }
      if (blocks > 0) {
        of.append(of.isEmpty() ? "" : "; ")
            .append(q)
            .append(": ")
            .append(blocks)
            .append(" of its ")
            .append(q.outstanding.size())
            .append(" requests, ")
            .append(q.rate)
            .append(" B/s")
            .append(q.chokesUs ? ", chokes us" : "")
            .append(q.snubbed ? ", snubbed" : "");
      }
    }
    return w.received
        + " of "
        + w.blocks
        + " blocks here, "
        + asked
        + " asked"
        + (of.isEmpty() ? "" : " (" + of + ")")
        + ", refused by "
        + refusing
        + " peers"
        + (w.verifying ? ", being checked" : "")
        + (w.suspects.isEmpty() ? "" : ", failed its check before");
  }

  /** Under the lock: see {@link TorrentSession#anyoneSends}. */
  boolean anyoneSends(int piece) {
    Wanted w = wanted.get(piece);
    for (Peer q : state.peers.values()) {
      if (q.banned) {
        continue;
      }
      if (q.has(piece) && !q.chokesUs && !q.rejected.contains(piece)) {
        return true;
      }
      if (w != null) {
        for (int b = 0; b < w.blocks; b++) {
          if (q.outstanding.contains(key(piece, b))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  // ---- what peers say ----

  /** A HAVE; takes the lock. */
  void have(Peer p, int piece) throws WireException {
    availability.check(piece);
    state.lock.lock();
    try {
      if (availability.have(p, piece)) {
        if (wanted.containsKey(piece)) {
          interestAndFill(p);
        } else if (!state.announced(piece)) {
          p.connection.interested(true);
          fill(p);
        }
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** A bitfield; takes the lock. */
  void bitfield(Peer p, Bitfield b) throws WireException {
    availability.check(b);
    state.lock.lock();
    try {
      availability.bitfield(p, b);
      interestAndFill(p);
    } finally {
      state.lock.unlock();
    }
  }

  /** Under the lock. */
  void haveAll(Peer p) {
    if (availability.haveAll(p)) {
      interestAndFill(p);
    }
  }

  /** Under the lock: p chokes us; what it was asked goes to others. */
  void choked(Peer p) {
    p.chokesUs = true;
    release(p, false);
    fillAll();
  }

  /** Under the lock. */
  void unchoked(Peer p) {
    p.chokesUs = false;
    p.rejected.clear();
    p.progressAt = state.now();
    fill(p);
  }

  /** A request p rejected (BEP 6); takes the lock. */
  void rejected(Peer p, BlockRef ref) {
    state.lock.lock();
    try {
      long key = key(ref.piece(), ref.begin() / BLOCK);
      // The answer to a request cancelled before, not to one made since: the piece may still be
      // asked of this peer (a seed never unchokes us anew to clear a refusal).
      if (p.cancelled(key)) {
        return;
      }
      if (p.outstanding.remove(key)) {
        Wanted w = wanted.get(ref.piece());
        if (w != null) {
          w.unrequest(keyBlock(key));
        }
        // Not asked of this peer again until it unchokes us anew.
        if (p.rejected.add(ref.piece())) {
          LOG.debug("peer {} refused a block of piece {}", p, ref.piece());
        }
        fillAll();
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** Under the lock, once a second: rates and pipelines, and peers that snub us. */
  void tick(long now) {
    // Pieces gained since (from any source) may leave nothing to want of a peer.
    interestAll();
    ahead.tick(wanted, now);
    for (Peer p : List.copyOf(state.peers.values())) {
      p.measure(now);
      if (!p.outstanding.isEmpty() && now - p.progressAt >= SNUB_AFTER && !p.snubbed) {
        LOG.debug("peer {} snubs us: its requests go to others", p);
        p.snubbed = true;
        release(p, true);
      }
    }
  }

  // ---- requests, under the lock ----

  /** Under the lock: whether we are interested in p, said to it, and requests if it may. */
  void interestAndFill(Peer p) {
    p.connection.interested(interestedIn(p));
    fill(p);
  }

  /** Under the lock: every peer told whether we are interested in it. */
  void interestAll() {
    for (Peer q : state.peers.values()) {
      q.connection.interested(interestedIn(q));
    }
  }

  /**
   * Under the lock: whether p has a piece we want or lack. Interest in every peer that has a piece
   * we lack, not only the pieces fetched now: a peer unchokes only peers interested in it, and the
   * pieces fetched next are chosen from what peers that unchoke us have ({@link
   * Availability#available}); interested only in the holders of the pieces fetched now, a machine
   * would be unchoked by no other, and never find pieces it could fetch elsewhere.
   */
  boolean interestedIn(Peer p) {
    return state.lacksFrom(p) || wantsFrom(p);
  }

  /** Under the lock: whether p has a piece fetched now. */
  boolean wantsFrom(Peer p) {
    for (Wanted w : wanted.values()) {
      if (!w.verifying && p.has(w.piece)) {
        return true;
      }
    }
    return false;
  }

  void fillAll() {
    for (Peer p : List.copyOf(state.peers.values())) {
      fill(p);
    }
  }

  /** Under the lock: requests blocks from p up to its pipeline. */
  void fill(Peer p) {
    if (p.chokesUs || p.banned || p.connection.isClosed() || !p.connection.amInterested()) {
      return;
    }
    int depth = p.snubbed ? SNUBBED_PIPELINE : p.pipeline;
    while (p.outstanding.size() < depth) {
      // The piece p was working on, while it has blocks to ask for: what choose() would pick
      // (begun pieces come first), without a pass over every wanted piece for each block.
      Wanted current = p.current == null ? null : wanted.get(p.current);
      Wanted w =
          current != null
                  && (current.urgent || urgent == 0)
                  && current.unrequested > 0
                  && !current.verifying
                  && current.suspects.isEmpty()
                  && !p.rejected.contains(current.piece)
              ? current
              : choose(p);
      if (w == null) {
        // None of the wanted pieces to ask p for: a piece fetched ahead, while fetches are made.
        w = ahead.choose(p, wanted, availability, state.now());
        if (w == null) {
          break;
        }
        want(w);
      }
      p.current = w.piece;
      for (int b = 0; b < w.blocks && p.outstanding.size() < depth; b++) {
        if (w.state[b] == NONE) {
          request(p, w, b);
        }
      }
    }
    if (!p.outstanding.isEmpty() || p.snubbed) {
      return;
    }
    boolean endgame = endgame();
    if (endgame || urgent > 0) {
      for (Wanted w : wanted.values()) {
        if ((!endgame && !w.urgent)
            || w.ahead
            || w.verifying
            || !p.has(w.piece)
            || p.rejected.contains(w.piece)
            || !w.suspects.isEmpty()) {
          continue;
        }
        for (int b = 0; b < w.blocks && p.outstanding.size() < ENDGAME_REQUESTS; b++) {
          if (w.state[b] == REQUESTED && !p.outstanding.contains(key(w.piece, b))) {
            request(p, w, b);
          }
        }
      }
    }
  }

  /** Whether every block of every wanted piece is asked for or here. */
  private boolean endgame() {
    for (Wanted w : wanted.values()) {
      if (!w.verifying && w.unrequested > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The wanted piece p should be asked for next: urgent ones first, then begun, then the rarest.
   */
  private Wanted choose(Peer p) {
    Wanted best = null;
    long bestScore = Long.MAX_VALUE;
    for (Wanted w : wanted.values()) {
      if (w.verifying
          || w.unrequested == 0
          || !p.has(w.piece)
          || p.rejected.contains(w.piece)
          || (w.suspects.contains(p) && othersCanServe(w, p))
          || (!w.suspects.isEmpty() && othersHold(w, p))) {
        continue;
      }
      long spare = w.ahead ? 1 : 0;
      long late = w.urgent ? 0 : 1;
      long begun = w.unrequested < w.blocks ? 0 : 1;
      long score =
          (spare << 62)
              | (late << 61)
              | (begun << 60)
              | ((long) Math.min(availability.of(w.piece), 0xFFFF) << 32)
              | (mix(p.salt ^ w.piece) & 0xFFFF_FFFFL);
      if (score < bestScore) {
        bestScore = score;
        best = w;
      }
    }
    return best;
  }

  /** Whether a peer that sent no block of w's bad copy has w and unchokes us. */
  private boolean othersCanServe(Wanted w, Peer suspect) {
    for (Peer q : state.peers.values()) {
      if (q != suspect && !q.banned && !q.chokesUs && q.has(w.piece) && !w.suspects.contains(q)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether another peer has requests out for w. A piece that failed is fetched again from one peer
   * at a time, so that a second failure has one sender and blames it alone.
   */
  private boolean othersHold(Wanted w, Peer p) {
    for (int b = 0; b < w.blocks; b++) {
      if (w.requests[b] > 0 && !p.outstanding.contains(key(w.piece, b))) {
        return true;
      }
    }
    return false;
  }

  static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return x;
  }

  private void request(Peer p, Wanted w, int b) {
    if (p.outstanding.isEmpty()) {
      p.progressAt = state.now();
    }
    p.outstanding.add(key(w.piece, b));
    if (w.state[b] == NONE) {
      w.state[b] = REQUESTED;
      w.unrequested--;
    }
    w.requests[b]++;
    p.connection.send(new Request(w.ref(b)));
  }

  /** Under the lock: p's outstanding requests go back to the pool (cancelled if p lives on). */
  void release(Peer p, boolean cancel) {
    for (long key : p.outstanding) {
      Wanted w = wanted.get(keyPiece(key));
      if (w == null) {
        continue;
      }
      int b = keyBlock(key);
      w.unrequest(b);
      if (cancel) {
        p.cancel(key, w.ref(b));
      }
    }
    p.outstanding.clear();
  }

  /** Under the lock: every peer's requests for w's blocks withdrawn and cancelled. */
  void cancelAll(Wanted w) {
    for (Peer q : state.peers.values()) {
      cancel(q, w);
    }
  }

  /** Under the lock: p's requests for w's blocks withdrawn and cancelled. */
  void cancel(Peer p, Wanted w) {
    for (int b = 0; b < w.blocks; b++) {
      long key = key(w.piece, b);
      if (p.outstanding.remove(key)) {
        p.cancel(key, w.ref(b));
      }
    }
  }

  /**
   * Under the lock: w failed its check; it is fetched again from scratch, and whatever is still
   * asked of it is cancelled.
   */
  void restart(Wanted w) {
    w.data = null;
    w.sender = new Peer[w.blocks];
    Arrays.fill(w.state, NONE);
    Arrays.fill(w.requests, 0);
    cancelAll(w);
    w.unrequested = w.blocks;
    w.received = 0;
    w.verifying = false;
  }

  /**
   * Under the lock: nothing a banned peer sent counts: its blocks in pieces not yet checked are
   * asked again.
   */
  void discard(Peer p) {
    for (Wanted w : wanted.values()) {
      if (w.verifying) {
        continue;
      }
      for (int b = 0; b < w.blocks; b++) {
        if (w.sender[b] == p) {
          w.sender[b] = null;
          w.state[b] = w.requests[b] > 0 ? REQUESTED : NONE;
          if (w.state[b] == NONE) {
            w.unrequested++;
          }
          w.received--;
        }
      }
    }
  }
}
