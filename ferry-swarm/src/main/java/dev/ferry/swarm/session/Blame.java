package dev.ferry.swarm.session;

import static dev.ferry.swarm.session.Wanted.BLOCK;

import dev.ferry.swarm.wire.PeerId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a piece that failed its check, and to who sent it. The piece is discarded and
 * counted, and every peer that sent a block of it gets a strike; it is fetched again from one peer
 * at a time ({@link PiecePicker}), preferably one that did not send it. When it then passes, the
 * bad copy is compared block by block with the good one: a peer whose block differed is banned at
 * once, the others lose that strike. A peer that alone sent two bad pieces is banned, and so is one
 * with {@link #STRIKES_TO_BAN} strikes once the pieces whose blame it shares are judged. A banned
 * peer is disconnected, and its peer id and addresses refused for the session's life. Under the
 * session's lock.
 */
final class Blame {
  private static final Logger LOG = LoggerFactory.getLogger(Blame.class);

  static final int STRIKES_TO_BAN = 2;

  private final SessionState state;
  private final PiecePicker picker;
  private final Set<PeerId> bannedIds = new HashSet<>();
  private final Set<InetSocketAddress> bannedAddresses = new HashSet<>();
  private final List<Peer> banned = new ArrayList<>();
  private long rejectedBytes;
  private long piecesRejected;

  Blame(SessionState state, PiecePicker picker) {
    this.state = state;
    this.picker = picker;
  }

  /** Under the lock: whether a peer of that id or address is refused. */
  boolean refuses(PeerId id, InetSocketAddress address) {
    return bannedIds.contains(id) || refuses(address);
  }

  /** Under the lock: whether the address is refused. */
  boolean refuses(InetSocketAddress address) {
    return bannedAddresses.contains(address);
  }

  /** Under the lock: the banned peers, in the order they were banned. */
  List<Peer> banned() {
    return banned;
  }

  /** Under the lock: payload of pieces that failed their check. */
  long rejectedBytes() {
    return rejectedBytes;
  }

  /** Under the lock: how many pieces failed their check. */
  long piecesRejected() {
    return piecesRejected;
  }

  /** Under the lock: a piece that failed its check. */
  void failed(Wanted w) {
    rejectedBytes += w.length;
    piecesRejected++;
    state.swarm.rejected(w.length);
    Set<Peer> senders = new LinkedHashSet<>(Arrays.asList(w.sender));
    senders.remove(null);
    LOG.debug(
        "piece {} of {} failed its check; sent by {}", w.piece, state.torrent.infoHash(), senders);
    if (w.badCopy == null) {
      w.badCopy = w.data;
      w.badSenders = w.sender.clone();
    }
    boolean firstFailure = w.suspects.isEmpty();
    w.suspects.addAll(senders);
    for (Peer s : senders) {
      s.strikes++;
      if (senders.size() == 1) {
        s.soleBadPieces++;
      } else if (firstFailure) {
        // Shared blame: the piece's judgment (when it passes) may clear this peer.
        s.awaitingJudgment++;
      }
      judgeStrikes(s);
    }
    picker.restart(w);
    if (w.futures.isEmpty()) {
      picker.unwant(w.piece);
      unjudged(w);
    }
  }

  /**
   * Under the lock: a piece that failed once has passed; its bad copy shows, block by block, who
   * sent what differs (banned) and who was only near it (forgiven the strike).
   */
  void judge(Wanted w) {
    Set<Peer> guilty = new LinkedHashSet<>();
    Set<Peer> near = new LinkedHashSet<>();
    for (int b = 0; b < w.blocks; b++) {
      Peer s = w.badSenders[b];
      if (s == null) {
        continue;
      }
      int from = b * BLOCK;
      int to = Math.min(w.length, from + BLOCK);
      if (Arrays.equals(w.badCopy, from, to, w.data, from, to)) {
        near.add(s);
      } else {
        guilty.add(s);
      }
    }
    near.removeAll(guilty);
    unjudged(w);
    for (Peer s : near) {
      s.strikes = Math.max(0, s.strikes - 1);
      judgeStrikes(s);
    }
    for (Peer s : guilty) {
      ban(s, "sent a corrupt block of piece " + w.piece);
    }
    w.badCopy = null;
    w.badSenders = null;
  }

  /** Under the lock: w's first failure is judged (or never will be): its senders wait no more. */
  void unjudged(Wanted w) {
    Set<Peer> senders = new HashSet<>(Arrays.asList(w.badSenders));
    senders.remove(null);
    if (senders.size() > 1) {
      for (Peer s : senders) {
        s.awaitingJudgment--;
        judgeStrikes(s);
      }
    }
  }

  /**
   * Under the lock: bans a peer that alone sent two bad pieces, or that has {@link #STRIKES_TO_BAN}
   * strikes once every piece whose blame it shares has been judged (so that a good peer that
   * happened to send blocks beside a liar's is not banned before the liar is found).
   */
  private void judgeStrikes(Peer s) {
    if (s.soleBadPieces >= STRIKES_TO_BAN) {
      ban(s, "alone sent " + s.soleBadPieces + " pieces that failed their check");
    } else if (s.strikes >= STRIKES_TO_BAN && s.awaitingJudgment == 0) {
      ban(s, "sent blocks of " + s.strikes + " pieces that failed their check");
    }
  }

  /** Under the lock: disconnects p and refuses it (its id and addresses) for the session's life. */
  private void ban(Peer p, String reason) {
    if (p.banned) {
      return;
    }
    p.banned = true;
    banned.add(p);
    bannedIds.add(p.id);
    bannedAddresses.add(p.address);
    if (p.listenAddress != null) {
      bannedAddresses.add(p.listenAddress);
    }
    if (p.known != null) {
      p.known.banned = true;
    }
    picker.discard(p);
    LOG.atInfo()
        .addKeyValue("infohash", state.torrent.infoHash())
        .addKeyValue("peer", p.address)
        .addKeyValue("peer_id", p.id)
        .addKeyValue("reason", reason)
        .log("peer banned");
    p.connection.close();
  }
}
