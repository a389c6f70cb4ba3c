package dev.ferry.swarm.session;

import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Cancel;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.MessageReader;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer on a raw socket that a session connects to: it greets (what it has, then an unchoke) and
 * sends only what the test tells it to, so that the order of the messages, and what is asked of it,
 * are the test's.
 */
final class ScriptedPeer implements AutoCloseable {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final ServerSocket server;
  private final Socket socket;
  private final MessageReader in;
  private final OutputStream out;
  private final int pieceSize;

  private ScriptedPeer(ServerSocket server, Socket socket, SingleFileTorrent torrent)
      throws IOException {
    this.server = server;
    this.socket = socket;
    socket.setSoTimeout(60_000);
    this.in =
        new MessageReader(
            socket.getInputStream(), WireLimits.forPieces(torrent.tree().pieceCount()));
    this.out = socket.getOutputStream();
    this.pieceSize = torrent.pieceLength();
  }

  /**
   * Has {@code session} connect to a new scripted peer, which answers the handshake, says what it
   * has ({@code has}: HAVE_ALL or a bitfield) and unchokes the session.
   */
  static ScriptedPeer connect(TorrentSession session, SingleFileTorrent torrent, Message has)
      throws IOException {
    ScriptedPeer peer = choking(session, torrent, has);
    peer.write(Signal.UNCHOKE);
    return peer;
  }

  /** As {@link #connect}, but the peer chokes the session until the test unchokes it. */
  static ScriptedPeer choking(TorrentSession session, SingleFileTorrent torrent, Message has)
      throws IOException {
    ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
    try {
      server.setSoTimeout(60_000);
      session.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
      ScriptedPeer peer = new ScriptedPeer(server, server.accept(), torrent);
      peer.in.readHandshake();
      peer.out.write(
          new Handshake(Reserved.FERRY, torrent.infoHash().truncated(), PeerId.random()).encode());
      peer.write(has);
      return peer;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The next {@code count} requests; other messages are dropped. */
  List<BlockRef> requests(int count) throws IOException {
    return read(Request.class, count);
  }

  /** The next {@code count} cancels; other messages are dropped. */
  List<BlockRef> cancels(int count) throws IOException {
    return read(Cancel.class, count);
  }

  private List<BlockRef> read(Class<? extends Message> type, int count) throws IOException {
    List<BlockRef> refs = new ArrayList<>();
    while (refs.size() < count) {
      Message m = in.read();
      if (m instanceof Request r && type == Request.class) {
        refs.add(r.block());
      } else if (m instanceof Cancel c && type == Cancel.class) {
        refs.add(c.block());
      }
    }
    return refs;
  }

  /** Reads until {@code expected}, dropping other messages. */
  void await(Message expected) throws IOException {
    while (!in.read().equals(expected)) {
      // Another message: not the one the test waits for.
    }
  }

  /** The next message the session sent. */
  Message read() throws IOException {
    return in.read();
  }

  /** The block {@code ref} of {@code content}, the torrent's file. */
  void send(byte[] content, BlockRef ref) throws IOException {
    int from = ref.piece() * pieceSize + ref.begin();
    write(new Piece(ref.piece(), ref.begin(), ByteBuffer.wrap(content, from, ref.length())));
  }

  void write(Message message) throws IOException {
    out.write(MessageCodec.encode(message));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try (server) {
      socket.close();
    }
  }
}
