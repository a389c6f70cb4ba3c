package dev.ferry.swarm.session;

import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the parts of one {@link TorrentSession} share: the swarm and the torrent they work for, the
 * connected peers, whether the session is closed, and the session's one lock.
 *
 * <p>The lock guards the peers (and each {@link Peer}'s state) and the state every part keeps of
 * its own: the parts change one another's peers (a peer's requests, strikes and choke state move
 * together with a piece's blocks), so one lock keeps them consistent without an order of locks to
 * get wrong. A part's entry points take it; its other methods say "under the lock". It is never
 * held while a socket, a disk or a hash is worked.
 */
final class SessionState {
  final Swarm swarm;
  final SingleFileTorrent torrent;
  final int pieceCount;
  final ReentrantLock lock = new ReentrantLock();

  /** Under the lock: the connected peers, in the order they connected. */
  final Map<PeerConnection, Peer> peers = new LinkedHashMap<>();

  /** Under the lock. */
  boolean closed;

  /**
   * Whether the download is in Group mode, so that peers beyond this network are the group's
   * ({@link PeerKinds}); told by whoever finds the session's peers.
   */
  volatile boolean group;

  /**
   * Under the lock: the kind of peer that sent most of each piece fetched, by piece, for the
   * statistics; null until a piece is fetched.
   */
  SourceKind[] pieceKinds;

  /** Under the lock: the pieces announced to peers as ours ({@link PieceServer}). */
  private final BitSet announced = new BitSet();

  /** Under the lock: the torrent's other pieces, which peers may have for us. */
  private final BitSet missing = new BitSet();

  SessionState(Swarm swarm, SingleFileTorrent torrent) {
    this.swarm = swarm;
    this.torrent = torrent;
    this.pieceCount = torrent.tree().pieceCount();
    missing.set(0, pieceCount);
  }

  /** Under the lock: whether the piece is announced as ours. */
  boolean announced(int piece) {
    return announced.get(piece);
  }

  /** Under the lock: the piece is announced as ours, or (false) no longer. */
  void announced(int piece, boolean ours) {
    announced.set(piece, ours);
    missing.set(piece, !ours);
  }

  /** Under the lock: a copy of the pieces announced as ours. */
  BitSet announcedPieces() {
    return (BitSet) announced.clone();
  }

  /** Under the lock: whether p has a piece not announced as ours. */
  boolean lacksFrom(Peer p) {
    return p.hasAll ? !missing.isEmpty() : p.has.intersects(missing);
  }

  /** The settings' clock (a test's may jump). */
  long now() {
    return swarm.clock().nanoTime();
  }

  int pieceLength(int piece) {
    return (int)
        Math.min(torrent.pieceLength(), torrent.length() - (long) piece * torrent.pieceLength());
  }

  IOException closedException() {
    return new IOException("the session of " + torrent.infoHash() + " is closed");
  }
}
