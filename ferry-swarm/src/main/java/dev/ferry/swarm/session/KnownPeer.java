package dev.ferry.swarm.session;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A peer address to keep connected to ({@link PeerLinks}); under the session's lock. */
final class KnownPeer {
  static final long RECONNECT_MIN = TimeUnit.SECONDS.toNanos(1);
  static final long RECONNECT_MAX = TimeUnit.SECONDS.toNanos(60);

  final InetSocketAddress address;
  boolean connecting;
  boolean banned;
  Peer peer;
  int attempts;
  long nextAt;

  KnownPeer(InetSocketAddress address) {
    this.address = address;
  }

  /** Under the lock: p's connection ended; if it was this address's, it is dialled again. */
  void lost(Peer p, long now) {
    if (peer == p) {
      peer = null;
      failed(now);
    }
  }

  /** A failed or ended connection: the next try backs off, doubling up to a minute. */
  void failed(long now) {
    long delay = Math.min(RECONNECT_MAX, RECONNECT_MIN << Math.min(attempts, 6));
    attempts++;
    nextAt = now + delay;
  }
}
