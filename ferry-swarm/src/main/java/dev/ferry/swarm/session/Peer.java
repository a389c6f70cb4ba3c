package dev.ferry.swarm.session;

import static dev.ferry.swarm.session.PiecePicker.MAX_PIPELINE;
import static dev.ferry.swarm.session.PiecePicker.MIN_PIPELINE;
import static dev.ferry.swarm.session.Wanted.BLOCK;

import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Cancel;
import dev.ferry.swarm.wire.PeerId;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A connected peer's state in one session; under the session's lock. */
final class Peer {
  final PeerConnection connection;
  final PeerId id;
  final InetSocketAddress address;
  final KnownPeer known;

  /** Where it is, as DO's statistics count it: a LAN, group or Internet peer. */
  final SourceKind kind;

  InetSocketAddress listenAddress;
  String client;
  int metadataId;

  // What it has (Availability).
  final BitSet has = new BitSet();
  boolean hasAll;

  // What we ask of it (PiecePicker): its ties broken by salt, so that peers spread over pieces.
  final long salt = ThreadLocalRandom.current().nextLong();
  boolean chokesUs = true;
  final LinkedHashSet<Long> outstanding = new LinkedHashSet<>();
  final Set<Integer> rejected = new HashSet<>();

  /**
   * Blocks cancelled whose answer has not come, by key, with how many: under BEP 6 every request is
   * answered once, by the block or by a reject, in order, so the first answers for a block are
   * those of its cancelled requests, not of one made since (see {@link #cancelled}).
   */
  final Map<Long, Integer> unanswered = new HashMap<>();

  int pipeline = MIN_PIPELINE;

  /** Until its rate is first measured: the pipeline grows with each block it sends. */
  private boolean slowStart = true;

  Integer current;
  boolean snubbed;
  long progressAt;
  long rateBytes;
  long rateAt;
  long rate;
  long downloaded;
  long uploaded;
  long wasted;

  /** Sends a CANCEL for {@code ref} (block key {@code key}) and awaits its answer if fast. */
  void cancel(long key, BlockRef ref) {
    connection.send(new Cancel(ref));
    if (connection.fast()) {
      unanswered.merge(key, 1, Integer::sum);
    }
  }

  /**
   * Whether an answer (a block or a reject) for block {@code key} answers a cancelled request
   * rather than one made since: counted off once.
   */
  boolean cancelled(long key) {
    Integer waiting = unanswered.get(key);
    if (waiting == null) {
      return false;
    }
    if (waiting == 1) {
      unanswered.remove(key);
    } else {
      unanswered.put(key, waiting - 1);
    }
    return true;
  }

  // What it is blamed for (Blame).
  int strikes;
  int soleBadPieces;
  int awaitingJudgment;
  boolean banned;

  // How we choke it (Choker).
  long chokedAt;
  long unchokedAt;

  Peer(
      PeerConnection connection,
      InetSocketAddress address,
      KnownPeer known,
      SourceKind kind,
      long now) {
    this.connection = connection;
    this.kind = kind;
    this.id = connection.handshake().peerId();
    this.address = address;
    this.known = known;
    this.progressAt = now;
    this.rateAt = now;
    this.chokedAt = now;
  }

  boolean has(int piece) {
    return hasAll || has.get(piece);
  }

  /**
   * A block came: until the first measure, one more request in flight (slow start, as libtorrent's
   * and TCP's), so the pipeline doubles each round trip instead of waiting a second at its floor,
   * which held a fast peer to a few hundred MB/s for the whole first second.
   */
  void sent() {
    if (slowStart && pipeline < MAX_PIPELINE) {
      pipeline++;
    }
  }

  /** The rate it gave us since the last measure, and the pipeline that follows from it. */
  void measure(long now) {
    long elapsed = now - rateAt;
    if (elapsed < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    slowStart = false;
    rate = rateBytes * 1_000_000_000L / elapsed;
    rateBytes = 0;
    rateAt = now;
    // About a second of blocks at that rate in flight keeps the link busy through a round trip.
    pipeline = (int) Math.max(MIN_PIPELINE, Math.min(MAX_PIPELINE, rate / BLOCK));
  }

  PeerView view(int pieceCount) {
    return new PeerView(
        address,
        id,
        chokesUs,
        !banned && connection.amInterested(),
        hasAll ? pieceCount : has.cardinality(),
        downloaded,
        uploaded,
        banned,
        outstanding.size(),
        snubbed ? PiecePicker.SNUBBED_PIPELINE : pipeline);
  }

  @Override
  public String toString() {
    return address + (client == null ? "" : " (" + client + ")");
  }
}
