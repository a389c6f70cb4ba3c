package dev.ferry.cli;

import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A downloader of the test's own on one plain socket, through ferry-swarm's wire codec: it shakes
 * hands (BEP 3 and BEP 52's v2 bit, neither the fast nor the extension protocol), says it is
 * interested, and asks for whole pieces block by block. A reader thread keeps what the other side
 * said (its pieces, whether it unchokes us, the blocks it sent, whether the connection ended), so
 * that a test can hold one connection open across what it watches.
 */
final class WirePeer implements AutoCloseable {
  private static final int BLOCK = 16 * 1024;

  /** How long one read may block: generous, for a loaded machine; not a measurement. */
  private static final int READ_TIMEOUT_MS = 180_000;

  private final Socket socket;
  private final OutputStream out;
  private final SingleFileTorrent torrent;
  private final int pieces;
  private final Thread reader;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Under the lock.
  private final BitSet theirs = new BitSet();
  private final Map<BlockRef, byte[]> blocks = new HashMap<>();
  private boolean unchoked;
  private IOException ended;

  private WirePeer(Socket socket, MessageReader in, SingleFileTorrent torrent) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.torrent = torrent;
    this.pieces = pieceCount(torrent);
    this.reader = Thread.ofPlatform().daemon().name("wire-peer reader").start(() -> read(in));
  }

  /**
   * Connects to {@code address} for {@code torrent}: the peer, or nothing when the other side has
   * no session for it yet (it closes the connection after our handshake).
   */
  static Optional<WirePeer> connect(InetSocketAddress address, SingleFileTorrent torrent)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, READ_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      MessageReader in =
          new MessageReader(socket.getInputStream(), WireLimits.forPieces(pieceCount(torrent)));
      Handshake ours =
          new Handshake(new Reserved(Reserved.V2), torrent.infoHash().truncated(), PeerId.random());
      socket.getOutputStream().write(ours.encode());
      socket.getOutputStream().flush();
      Handshake answer;
      try {
        answer = in.readHandshake();
      } catch (IOException noSession) {
        socket.close();
        return Optional.empty();
      }
      if (!java.util.Arrays.equals(answer.infoHash(), ours.infoHash())) {
        socket.close();
        throw new IOException("the peer answered for another torrent: " + answer);
      }
      WirePeer peer = new WirePeer(socket, in, torrent);
      peer.send(Signal.INTERESTED);
      return Optional.of(peer);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static int pieceCount(SingleFileTorrent torrent) {
    return (int) ((torrent.length() + torrent.pieceLength() - 1) / torrent.pieceLength());
  }

  private void read(MessageReader in) {
    try {
      while (true) {
        Message message = in.read();
        lock.lock();
        try {
          switch (message) {
            case Signal s when s == Signal.UNCHOKE -> unchoked = true;
            case Signal s when s == Signal.CHOKE -> unchoked = false;
            case Message.Have have -> theirs.set(have.piece());
            case Message.Bitfield field -> {
              for (int piece = 0; piece < pieces; piece++) {
                if (field.has(piece)) {
                  theirs.set(piece);
                }
              }
            }
            case Piece piece ->
                blocks.put(
                    new BlockRef(piece.piece(), piece.begin(), piece.length()), piece.data());
            default -> {}
          }
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      lock.lock();
      try {
        ended = e;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** The pieces the other side said it has, so far. */
  BitSet theirPieces() {
    lock.lock();
    try {
      return (BitSet) theirs.clone();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the connection is still open (the other side has not closed or reset it). */
  boolean connected() {
    lock.lock();
    try {
      return ended == null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A keep-alive, so that the other side does not drop a quiet connection; a connection that ended
   * shows in {@link #connected}.
   */
  void keepAlive() {
    try {
      send(Signal.KEEP_ALIVE);
    } catch (IOException ended) {
      lock.lock();
      try {
        if (this.ended == null) {
          this.ended = ended;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Piece {@code piece}'s bytes, asked for block by block once the other side unchokes us (again
   * after a choke), on this connection; fails when the connection ends first or nothing comes
   * within the read timeout.
   */
  byte[] piece(int piece) throws IOException, InterruptedException {
    long start = (long) piece * torrent.pieceLength();
    int length = (int) Math.min(torrent.pieceLength(), torrent.length() - start);
    Map<BlockRef, Boolean> wanted = new HashMap<>();
    for (int begin = 0; begin < length; begin += BLOCK) {
      wanted.put(new BlockRef(piece, begin, Math.min(BLOCK, length - begin)), false);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MS);
    byte[] bytes = new byte[length];
    lock.lock();
    try {
      while (true) {
        if (ended != null) {
          throw new IOException("the connection ended", ended);
        }
        if (wanted.keySet().stream().allMatch(blocks::containsKey)) {
          break;
        }
        if (unchoked) {
          for (Map.Entry<BlockRef, Boolean> block : wanted.entrySet()) {
            if (!block.getValue() && !blocks.containsKey(block.getKey())) {
              send(new Request(block.getKey()));
              block.setValue(true);
            }
          }
        } else {
          // Requests a choke dropped are asked again once unchoked.
          wanted.replaceAll((block, asked) -> false);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("piece " + piece + " did not come within the read timeout");
        }
        changed.awaitNanos(left);
      }
      for (BlockRef block : wanted.keySet()) {
        byte[] data = blocks.remove(block);
        System.arraycopy(data, 0, bytes, block.begin(), data.length);
      }
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  private void send(Message message) throws IOException {
    synchronized (out) {
      out.write(MessageCodec.encode(message));
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    reader.interrupt();
  }
}
