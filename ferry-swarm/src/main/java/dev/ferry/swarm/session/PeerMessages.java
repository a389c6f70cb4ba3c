package dev.ferry.swarm.session;

import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.Extended;
import dev.ferry.swarm.wire.Message.HashRequest;
import dev.ferry.swarm.wire.Message.Have;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.RejectRequest;
import dev.ferry.swarm.wire.Message.Signal;
import java.io.IOException;

/**
 * What each connection reports on its reader thread, handed to the part it concerns: what a peer
 * has and whether it chokes us to the {@link PiecePicker}, blocks to {@link Fetches}, its interest
 * to the {@link Choker}, hash and metadata requests to the {@link PieceServer}; and the
 * connection's end, which every part hears of.
 */
final class PeerMessages implements PeerConnection.Listener {
  private final SessionState state;
  private final PiecePicker picker;
  private final Availability availability;
  private final Fetches fetches;
  private final Choker choker;
  private final PieceServer server;

  PeerMessages(
      SessionState state,
      PiecePicker picker,
      Availability availability,
      Fetches fetches,
      Choker choker,
      PieceServer server) {
    this.state = state;
    this.picker = picker;
    this.availability = availability;
    this.fetches = fetches;
    this.choker = choker;
    this.server = server;
  }

  @Override
  public void received(PeerConnection connection, Message message) throws IOException {
    Peer p;
    state.lock.lock();
    try {
      p = state.peers.get(connection);
    } finally {
      state.lock.unlock();
    }
    if (p == null) {
      throw new IOException("no longer a peer of the session");
    }
    switch (message) {
      case Signal s -> signal(p, s);
      case Have h -> picker.have(p, h.piece());
      case Bitfield b -> picker.bitfield(p, b);
      case Piece piece -> fetches.block(p, piece);
      case RejectRequest r -> picker.rejected(p, r.block());
      case Extended e -> server.extended(p, e);
      case HashRequest r -> server.hashes(p, r);
      default -> {
        // Suggest and allowed fast are hints Ferry does without; hashes and hash rejects answer
        // requests it does not make, torrents having their piece layers.
      }
    }
  }

  @Override
  public void closed(PeerConnection connection, Throwable cause) {
    state.lock.lock();
    try {
      Peer p = state.peers.remove(connection);
      if (p == null) {
        return;
      }
      picker.release(p, false);
      availability.gone(p);
      choker.gone(p);
      if (p.known != null) {
        p.known.lost(p, state.now());
      }
      picker.fillAll();
    } finally {
      state.lock.unlock();
    }
    state.swarm.connectionClosed();
  }

  private void signal(Peer p, Signal s) {
    state.lock.lock();
    try {
      switch (s) {
        case CHOKE -> picker.choked(p);
        case UNCHOKE -> picker.unchoked(p);
        case INTERESTED -> choker.interested(p);
        case HAVE_ALL -> picker.haveAll(p);
        default -> {}
      }
    } finally {
      state.lock.unlock();
    }
  }
}
