package dev.ferry.swarm.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Which peers we upload to: interested peers are unchoked up to {@link #UNCHOKE_SLOTS} at a time
 * (by the rate they give us, else in turn), plus one optimistic unchoke that rotates every {@link
 * #OPTIMISTIC_ROUND}, recomputed each {@link #CHOKE_ROUND} of the settings' clock; an interested
 * peer takes a free slot at once. While the swarm's upload account refuses, every peer is choked.
 * Under the session's lock.
 */
final class Choker {
  static final int UNCHOKE_SLOTS = 4;
  static final long CHOKE_ROUND = TimeUnit.SECONDS.toNanos(10);
  static final long OPTIMISTIC_ROUND = TimeUnit.SECONDS.toNanos(30);

  private final SessionState state;
  private Peer optimistic;
  private long optimisticAt;
  private long chokeRoundAt;

  Choker(SessionState state) {
    this.state = state;
    long now = state.now();
    this.chokeRoundAt = now;
    this.optimisticAt = now;
  }

  /** Under the lock, once a second: a round when one is due. */
  void tick(long now) {
    if (now - chokeRoundAt >= CHOKE_ROUND) {
      chokeRound(now);
    }
  }

  /** Under the lock: p is interested in us. */
  void interested(Peer p) {
    long regular =
        state.peers.values().stream()
            .filter(
                q -> q != optimistic && !q.connection.amChoking() && q.connection.peerInterested())
            .count();
    // A free slot is taken at once rather than at the next round.
    if (regular < UNCHOKE_SLOTS) {
      unchoke(p, state.now());
    }
  }

  /** Under the lock: p's connection ended. */
  void gone(Peer p) {
    if (optimistic == p) {
      optimistic = null;
    }
  }

  /** Under the lock: the regular unchokes by rate (else in turn) and the optimistic one. */
  private void chokeRound(long now) {
    chokeRoundAt = now;
    List<Peer> interested = new ArrayList<>();
    for (Peer p : state.peers.values()) {
      if (!state.swarm.mayUpload(p.kind)) {
        // The upload account refuses peers of its kind (a monthly cap reached): choked until it
        // allows.
        if (!p.connection.amChoking()) {
          p.connection.choke();
          p.chokedAt = now;
        }
        continue;
      }
      if (!p.banned && p.connection.peerInterested()) {
        interested.add(p);
      }
    }
    // Peers that give us more first; among equals, whoever waited longest, and a peer unchoked
    // for a while yields its slot to one that waits (round robin).
    interested.sort(
        Comparator.comparingLong((Peer p) -> -p.rate)
            .thenComparingLong(
                p -> p.connection.amChoking() ? p.chokedAt : p.unchokedAt + CHOKE_ROUND * 2));
    List<Peer> regular = interested.subList(0, Math.min(UNCHOKE_SLOTS, interested.size()));
    if (optimistic == null
        || !interested.contains(optimistic)
        || regular.contains(optimistic)
        || now - optimisticAt >= OPTIMISTIC_ROUND) {
      List<Peer> others = new ArrayList<>(interested.subList(regular.size(), interested.size()));
      optimistic =
          others.isEmpty() ? null : others.get(ThreadLocalRandom.current().nextInt(others.size()));
      optimisticAt = now;
    }
    Set<Peer> keep = new HashSet<>(regular);
    if (optimistic != null) {
      keep.add(optimistic);
    }
    for (Peer p : state.peers.values()) {
      if (keep.contains(p)) {
        unchoke(p, now);
      } else if (!p.connection.amChoking()) {
        p.connection.choke();
        p.chokedAt = now;
      }
    }
  }

  private void unchoke(Peer p, long now) {
    if (p.connection.amChoking() && state.swarm.mayUpload(p.kind)) {
      p.connection.unchoke();
      p.unchokedAt = now;
    }
  }
}
