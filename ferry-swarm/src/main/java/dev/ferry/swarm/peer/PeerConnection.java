package dev.ferry.swarm.peer;

import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Cancel;
import dev.ferry.swarm.wire.Message.RejectRequest;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.MessageReader;
import dev.ferry.swarm.wire.WireException;
import dev.ferry.swarm.wire.WireLimits;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer connection after both handshakes: a virtual thread reads and decodes messages and hands
 * them to the {@link Listener}; another writes, so that no caller ever blocks on the socket. What
 * is sent is queued under the connection's lock (a short one, taken by the session under its own),
 * in order; the writer sends queued messages first and then serves the peer's requests one block at
 * a time through {@link Uploads}, paced by the upload cap.
 *
 * <p>The connection keeps the wire's own state: whether each side chokes and is interested (as sent
 * and received), and the peer's requests, at most {@link #MAX_QUEUED_REQUESTS} (one more and the
 * peer is disconnected). Requests that come while we choke the peer, and those a choke drops, are
 * rejected when both sides speak the fast extension (BEP 6), silently dropped otherwise.
 *
 * <p>Time: a keep-alive goes out after {@link #KEEP_ALIVE_NANOS} without anything sent, and a peer
 * silent for {@link #SILENCE_NANOS} is disconnected, both when the owner calls {@link
 * #checkLiveness} (the session's ticker, once a second). Both are real time: they guard sockets,
 * not decisions. Neither thread waits with a timeout: a virtual thread's timed wait (a socket's
 * read timeout is one) goes through the JDK's one timer thread twice, when it starts and when it is
 * cut short, and the reader waits for every few packets.
 */
public final class PeerConnection {
  private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

  /** Requests a peer may have waiting; more is a flood, and ends the connection. */
  public static final int MAX_QUEUED_REQUESTS = 500;

  /** BEP 3 suggests a keep-alive every two minutes; once a minute stays well inside everyone's. */
  static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Two keep-alive periods: a peer that said nothing for this long is gone. */
  static final long SILENCE_NANOS = TimeUnit.SECONDS.toNanos(120);

  /** What a connection reports to whoever owns it (the session). */
  public interface Listener {
    /**
     * A message, on the reader thread, in order: every one but keep-alives, requests and cancels
     * (which the connection's upload queue takes). A piece message's block is valid only until this
     * returns: the next block is read into the same array. Throwing ends the connection.
     */
    void received(PeerConnection connection, Message message) throws IOException;

    /** The connection ended, once; {@code cause} is null when it was closed on purpose. */
    void closed(PeerConnection connection, Throwable cause);
  }

  /** Where served blocks come from, on the writer thread. */
  public interface Uploads {
    /** The block's bytes, or null to refuse it (not held, failed its check); may block. */
    ByteBuffer block(PeerConnection connection, BlockRef block) throws IOException;

    /** Blocks until the upload cap lets {@code bytes} more go. */
    void pace(int bytes) throws InterruptedException;

    /** A block of {@code bytes} went out. */
    void sent(PeerConnection connection, int bytes);
  }

  private final Socket socket;
  private final Handshake theirs;
  private final boolean fast;
  private final boolean extensions;
  private final MessageReader reader;
  private final OutputStream out;
  private final Uploads uploads;
  private final String name;
  private Listener listener;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final ArrayDeque<Message> outbox = new ArrayDeque<>();
  private final ArrayDeque<BlockRef> requests = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean amChoking = true;
  private boolean amInterested;
  private volatile boolean peerChoking = true;
  private volatile boolean peerInterested;
  private volatile long lastReceived = System.nanoTime();
  private volatile long lastSent = System.nanoTime();

  /**
   * A connection whose handshakes are done ({@link PeerHandshake}); nothing runs until {@link
   * #start}, so the owner can queue its first messages (bitfield, extension handshake) before.
   * Messages go through {@code peer}'s streams (RC4 after MSE's handshake that selected it).
   */
  public PeerConnection(
      PeerSocket peer, Handshake ours, Handshake theirs, WireLimits limits, Uploads uploads)
      throws IOException {
    this.socket = peer.socket();
    this.theirs = theirs;
    this.fast = ours.reserved().fast() && theirs.reserved().fast();
    this.extensions = ours.reserved().extensionProtocol() && theirs.reserved().extensionProtocol();
    // Each block is copied into its piece before the next message is read (the listener runs on
    // this connection's reader thread), so one array serves them all.
    this.reader = MessageReader.reusingBlocks(new Stamped(peer.in()), limits);
    this.out = new BufferedOutputStream(peer.out(), 64 * 1024);
    this.uploads = uploads;
    this.name = socket.getRemoteSocketAddress() + "/" + theirs.peerId().toString().substring(0, 16);
    // The handshake's deadline set one; silence is judged by checkLiveness from here on.
    socket.setSoTimeout(0);
  }

  /** Starts the reader and the writer; {@code listener} hears of everything from now on. */
  public void start(Listener listener) {
    this.listener = listener;
    Thread.ofVirtual().name("peer-read " + name).start(this::readLoop);
    Thread.ofVirtual().name("peer-write " + name).start(this::writeLoop);
  }

  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  public Handshake handshake() {
    return theirs;
  }

  /** Whether both sides speak BEP 6. */
  public boolean fast() {
    return fast;
  }

  /** Whether both sides speak BEP 10. */
  public boolean extensions() {
    return extensions;
  }

  public boolean peerChoking() {
    return peerChoking;
  }

  public boolean peerInterested() {
    return peerInterested;
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Queues a message (not a choke or interest change: see {@link #choke}, {@link #interested}). */
  public void send(Message message) {
    lock.lock();
    try {
      outbox.add(message);
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Chokes the peer (if not choked): its waiting requests are dropped, rejected if fast. */
  public void choke() {
    lock.lock();
    try {
      if (amChoking) {
        return;
      }
      amChoking = true;
      outbox.add(Signal.CHOKE);
      dropRequests();
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  public void unchoke() {
    lock.lock();
    try {
      if (!amChoking) {
        return;
      }
      amChoking = false;
      outbox.add(Signal.UNCHOKE);
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  public boolean amChoking() {
    lock.lock();
    try {
      return amChoking;
    } finally {
      lock.unlock();
    }
  }

  /** Says whether we are interested, if that changed. */
  public void interested(boolean interested) {
    lock.lock();
    try {
      if (amInterested == interested) {
        return;
      }
      amInterested = interested;
      outbox.add(interested ? Signal.INTERESTED : Signal.NOT_INTERESTED);
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  public boolean amInterested() {
    lock.lock();
    try {
      return amInterested;
    } finally {
      lock.unlock();
    }
  }

  /** How many of the peer's requests wait to be served. */
  public int queuedRequests() {
    lock.lock();
    try {
      return requests.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a keep-alive when nothing was sent for {@link #KEEP_ALIVE_NANOS}, and ends the
   * connection when nothing was received for {@link #SILENCE_NANOS}, at {@code now} ({@link
   * System#nanoTime}). The owner calls it about once a second.
   */
  public void checkLiveness(long now) {
    if (closed.get()) {
      return;
    }
    if (now - lastReceived >= SILENCE_NANOS) {
      close(
          new SocketTimeoutException(
              "nothing received for " + TimeUnit.NANOSECONDS.toSeconds(now - lastReceived) + " s"));
    } else if (now - lastSent >= KEEP_ALIVE_NANOS) {
      lock.lock();
      try {
        if (outbox.isEmpty()) {
          outbox.add(Signal.KEEP_ALIVE);
          work.signal();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Closes the socket; the listener hears of it once. */
  public void close() {
    close(null);
  }

  /** Ends the connection for {@code cause} (null: on purpose). */
  public void close(Throwable cause) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (cause == null) {
      LOG.debug("peer {} closed", name);
    } else {
      LOG.debug("peer {} disconnected: {}", name, cause.toString());
    }
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is all that is left to do with it.
    }
    lock.lock();
    try {
      work.signalAll();
    } finally {
      lock.unlock();
    }
    Listener l = listener;
    if (l != null) {
      l.closed(this, cause);
    }
  }

  @Override
  public String toString() {
    return "PeerConnection[" + name + "]";
  }

  private void readLoop() {
    try {
      while (!closed.get()) {
        Message message = reader.read();
        switch (message) {
          case Signal s when s == Signal.KEEP_ALIVE -> {}
          case Request r -> request(r.block());
          case Cancel c -> cancel(c.block());
          default -> {
            if (message == Signal.CHOKE) {
              peerChoking = true;
            } else if (message == Signal.UNCHOKE) {
              peerChoking = false;
            } else if (message == Signal.INTERESTED) {
              peerInterested = true;
            } else if (message == Signal.NOT_INTERESTED) {
              peerInterested = false;
            }
            listener.received(this, message);
          }
        }
      }
    } catch (Throwable t) {
      close(closed.get() ? null : t);
    }
  }

  private void request(BlockRef block) throws WireException {
    lock.lock();
    try {
      if (amChoking) {
        if (fast) {
          outbox.add(new RejectRequest(block));
          work.signal();
        }
        return;
      }
      if (requests.size() >= MAX_QUEUED_REQUESTS) {
        throw new WireException(
            "more than " + MAX_QUEUED_REQUESTS + " requests waiting: the peer floods us");
      }
      requests.add(block);
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  private void cancel(BlockRef block) {
    lock.lock();
    try {
      // BEP 6: a cancelled request is answered with a reject, so the peer knows where it stands.
      if (requests.remove(block) && fast) {
        outbox.add(new RejectRequest(block));
        work.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock. */
  private void dropRequests() {
    if (fast) {
      for (BlockRef block : requests) {
        outbox.add(new RejectRequest(block));
      }
    }
    requests.clear();
  }

  private void writeLoop() {
    List<Message> batch = new ArrayList<>();
    try {
      while (true) {
        BlockRef block = null;
        lock.lock();
        try {
          while (!closed.get() && outbox.isEmpty() && (amChoking || requests.isEmpty())) {
            work.await();
          }
          if (closed.get()) {
            return;
          }
          if (!outbox.isEmpty()) {
            batch.addAll(outbox);
            outbox.clear();
          } else {
            block = requests.poll();
          }
        } finally {
          lock.unlock();
        }
        if (block == null) {
          for (Message message : batch) {
            out.write(MessageCodec.encode(message));
          }
          batch.clear();
        } else {
          serve(block);
        }
        out.flush();
        lastSent = System.nanoTime();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(e);
    } catch (Throwable t) {
      close(closed.get() ? null : t);
    }
  }

  private void serve(BlockRef block) throws IOException, InterruptedException {
    ByteBuffer data = uploads.block(this, block);
    if (data == null || data.remaining() != block.length()) {
      LOG.trace("peer {}: request {} refused", name, block);
      if (fast) {
        out.write(MessageCodec.encode(new RejectRequest(block)));
      }
      return;
    }
    uploads.pace(block.length());
    lock.lock();
    try {
      // Choked while it was read or paced: the peer no longer expects it (a choke rejects what
      // waits, and this one no longer waited).
      if (amChoking) {
        if (fast) {
          outbox.add(new RejectRequest(block));
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    out.write(MessageCodec.pieceHeader(block.piece(), block.begin(), block.length()));
    if (data.hasArray()) {
      out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
    } else {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      out.write(bytes);
    }
    uploads.sent(this, block.length());
  }

  /**
   * The connection's input, noting when bytes last came (not whole messages: a slow block counts).
   */
  private final class Stamped extends FilterInputStream {
    Stamped(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        lastReceived = System.nanoTime();
      }
      return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      int n = in.read(bytes, offset, length);
      if (n > 0) {
        lastReceived = System.nanoTime();
      }
      return n;
    }
  }
}
