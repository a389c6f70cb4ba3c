package dev.ferry.swarm.session;

import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
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

  SessionState(Swarm swarm, SingleFileTorrent torrent) {
    this.swarm = swarm;
    this.torrent = torrent;
    this.pieceCount = torrent.tree().pieceCount();
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
