package dev.ferry.swarm.session;

import static dev.ferry.swarm.session.KnownPeer.RECONNECT_MIN;

import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.peer.PeerHandshake;
import dev.ferry.swarm.peer.PeerSocket;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireException;
import dev.ferry.swarm.wire.WireLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's connections: the known peers it keeps connected to (dialled again with backoff,
 * from {@link KnownPeer#RECONNECT_MIN} to {@link KnownPeer#RECONNECT_MAX}, whenever a connection
 * fails or ends), the connections peers make to us, and the slots both take (the swarm's bound and
 * the torrent's, handshakes under way counting). A connection whose handshakes are done is checked
 * against {@link Blame}'s bans and against duplicates, then greeted ({@link PieceServer}) and
 * started. Handshakes run on threads of their own, outside the lock.
 */
final class PeerLinks {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);

  private final SessionState state;
  private final Blame blame;
  private final PieceServer server;
  private final PeerConnection.Listener listener;
  private final WireLimits limits;

  // Under the lock.
  private final Map<InetSocketAddress, KnownPeer> known = new LinkedHashMap<>();
  private final Set<PeerId> seen = new HashSet<>();
  private int handshaking;

  PeerLinks(SessionState state, Blame blame, PieceServer server, PeerConnection.Listener listener) {
    this.state = state;
    this.blame = blame;
    this.server = server;
    this.listener = listener;
    this.limits = WireLimits.forPieces(state.pieceCount);
  }

  /** See {@link TorrentSession#connect}. */
  void connect(InetSocketAddress peer) {
    state.lock.lock();
    try {
      if (state.closed || blame.refuses(peer)) {
        return;
      }
      KnownPeer k = known.computeIfAbsent(peer, KnownPeer::new);
      k.nextAt = state.now();
      dialIfDue(k, k.nextAt);
    } finally {
      state.lock.unlock();
    }
  }

  /** Takes an incoming connection whose handshake named this torrent; closes it if refused. */
  void accept(PeerSocket socket, Handshake theirs) {
    state.lock.lock();
    try {
      if (!reserveSlot()) {
        close(socket.socket(), "the torrent's connections are all in use");
        state.swarm.connectionClosed();
        return;
      }
    } finally {
      state.lock.unlock();
    }
    Handshake ours = ourHandshake();
    try {
      PeerHandshake.send(socket, ours);
    } catch (IOException e) {
      close(socket.socket(), e.toString());
      released(null);
      return;
    }
    attach(socket, ours, theirs, null);
  }

  /** Under the lock, once a second: the known peers due are dialled again. */
  void tick(long now) {
    for (KnownPeer k : known.values()) {
      dialIfDue(k, now);
    }
  }

  /** Under the lock: distinct peers (by peer id) that completed a handshake. */
  int seen() {
    return seen.size();
  }

  private Handshake ourHandshake() {
    return new Handshake(
        Reserved.FERRY, state.torrent.infoHash().truncated(), state.swarm.peerId());
  }

  /** Under the lock: a slot for one more connection of this torrent, and of the swarm. */
  private boolean reserveSlot() {
    if (state.closed
        || state.peers.size() + handshaking >= state.swarm.settings().maxConnectionsPerTorrent()) {
      return false;
    }
    handshaking++;
    return true;
  }

  /** A reserved slot whose handshake failed. */
  private void released(KnownPeer k) {
    state.lock.lock();
    try {
      handshaking--;
      if (k != null) {
        k.connecting = false;
        k.failed(state.now());
      }
    } finally {
      state.lock.unlock();
    }
    state.swarm.connectionClosed();
  }

  private void dialIfDue(KnownPeer k, long now) {
    if (state.closed || k.connecting || k.peer != null || k.banned || now < k.nextAt) {
      return;
    }
    if (!state.swarm.reserveConnection()) {
      k.nextAt = now + RECONNECT_MIN;
      return;
    }
    if (!reserveSlot()) {
      state.swarm.connectionClosed();
      k.nextAt = now + RECONNECT_MIN;
      return;
    }
    k.connecting = true;
    Thread.ofVirtual().name("peer-dial " + k.address).start(() -> dial(k));
  }

  private void dial(KnownPeer k) {
    Socket socket = null;
    try {
      socket = PeerHandshake.connect(k.address);
      Handshake ours = ourHandshake();
      PeerHandshake.send(socket, ours);
      Handshake theirs = PeerHandshake.read(socket);
      if (!Arrays.equals(theirs.infoHash(), ours.infoHash())) {
        throw new WireException("the peer answered for another torrent");
      }
      attach(PeerSocket.plain(socket), ours, theirs, k);
    } catch (IOException | RuntimeException e) {
      LOG.debug("connecting to {} failed: {}", k.address, e.toString());
      if (socket != null) {
        close(socket, null);
      }
      released(k);
    }
  }

  /**
   * Both handshakes done: checks the peer against bans and duplicates, then starts the connection
   * with our bitfield and extension handshake first in its queue.
   */
  private void attach(PeerSocket peer, Handshake ours, Handshake theirs, KnownPeer k) {
    Socket socket = peer.socket();
    BitSet have = server.localPieces();
    PeerConnection connection;
    try {
      connection = new PeerConnection(peer, ours, theirs, limits, server);
    } catch (IOException e) {
      close(socket, e.toString());
      released(k);
      return;
    }
    String refusal = null;
    state.lock.lock();
    try {
      PeerId id = theirs.peerId();
      InetSocketAddress address =
          k != null ? k.address : (InetSocketAddress) socket.getRemoteSocketAddress();
      if (state.closed) {
        refusal = "the session is closed";
      } else if (id.equals(state.swarm.peerId())) {
        refusal = "a connection to ourselves";
      } else if (blame.refuses(id, address)) {
        refusal = "banned";
      } else if (state.peers.values().stream().anyMatch(p -> p.id.equals(id))) {
        refusal = "already connected to this peer";
      }
      if (refusal != null) {
        if (k != null) {
          k.connecting = false;
          k.failed(state.now());
          if (id.equals(state.swarm.peerId())) {
            // A tracker gave this node its own address: never dial it again.
            known.remove(k.address);
          }
        }
      } else {
        handshaking--;
        Peer p =
            new Peer(
                connection,
                address,
                k,
                PeerKinds.of(address.getAddress(), state.group),
                state.now());
        state.peers.put(connection, p);
        seen.add(id);
        if (k != null) {
          k.connecting = false;
          k.peer = p;
        }
        server.greet(p, have);
      }
    } finally {
      state.lock.unlock();
    }
    if (refusal != null) {
      LOG.debug("peer {} refused: {}", socket.getRemoteSocketAddress(), refusal);
      close(socket, null);
      state.lock.lock();
      try {
        handshaking--;
      } finally {
        state.lock.unlock();
      }
      state.swarm.connectionClosed();
      return;
    }
    LOG.debug(
        "peer {} connected for {} (fast {}, extensions {})",
        connection,
        state.torrent.infoHash(),
        connection.fast(),
        connection.extensions());
    connection.start(listener);
  }

  private static void close(Socket socket, String why) {
    if (why != null) {
      LOG.debug("closing {}: {}", socket.getRemoteSocketAddress(), why);
    }
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing else to do with it.
    }
  }
}
