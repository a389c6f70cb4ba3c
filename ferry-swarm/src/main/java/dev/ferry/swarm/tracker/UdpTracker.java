package dev.ferry.swarm.tracker;

import dev.ferry.spi.Clock;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP tracker (BEP 15): a connect exchange gives a connection id, good for a minute, that each
 * announce then carries. A request unanswered after {@code base * 2^n} (n from 0) is sent again, up
 * to {@link TrackerSettings#udpMaxRetransmissions} times. Answers must carry the transaction id of
 * the request under way; others (late answers to earlier requests, or spoofed ones) are dropped. An
 * IPv6 tracker's answers hold 18-byte peers, an IPv4 tracker's 6-byte ones.
 *
 * <p>Deadlines are read on the settings' clock. The socket waits in slices of at most a second of
 * real time, so that a test's clock that jumps ahead is noticed.
 */
final class UdpTracker implements Tracker {
  private static final Logger LOG = LoggerFactory.getLogger(UdpTracker.class);

  /** BEP 15: a client may use a connection id for a minute after it got it. */
  static final long CONNECTION_LIFETIME_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final int SLICE_MILLIS = 1000;

  /** The largest UDP payload: a datagram is read whole, whatever it holds. */
  private static final int MAX_DATAGRAM = 65_535;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final URI uri;
  private final TrackerSettings settings;
  private final Clock clock;
  // Virtual threads: a ReentrantLock, not synchronized, so that a wait does not pin the carrier.
  private final ReentrantLock lock = new ReentrantLock();
  private final byte[] buffer = new byte[MAX_DATAGRAM];
  private volatile DatagramSocket socket;
  private boolean connected;
  private long connectionId;
  private long connectedAt;
  private volatile boolean closed;

  UdpTracker(URI uri, TrackerSettings settings) {
    this.uri = uri;
    this.settings = settings;
    this.clock = settings.clock();
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public AnnounceResponse announce(AnnounceRequest request) throws IOException {
    lock.lock();
    try {
      if (closed) {
        throw TrackerException.failed(uri, "closed");
      }
      InetSocketAddress target = open();
      int peerSize =
          target.getAddress() instanceof Inet6Address ? CompactPeers.IPV6 : CompactPeers.IPV4;
      Attempts attempts = new Attempts();
      while (true) {
        long id = connection(attempts);
        int transaction = RANDOM.nextInt();
        send(UdpCodec.announce(id, transaction, request));
        int length = receive(transaction, UdpCodec.ANNOUNCE, attempts.timeoutNanos());
        if (length >= 0) {
          return UdpCodec.announceResponse(buffer, length, peerSize)
              .orElseThrow(() ->
                  TrackerException.failed(
                      uri,
                      length == 8
                          // opentracker's answer to an info-hash its allow-list lacks.
                          ? "the announce was answered without interval or peers: the tracker"
                              + " does not serve this swarm"
                          : "an announce answer of " + length + " bytes, short of 20"));
        }
        attempts.next();
      }
    } catch (TrackerException e) {
      throw e;
    } catch (IOException e) {
      throw TrackerException.failed(uri, "announce failed: " + e, e);
    } finally {
      lock.unlock();
    }
  }

  /** The socket, connected to the tracker's address; a new one after an interrupt closed it. */
  private InetSocketAddress open() throws IOException {
    InetSocketAddress target = new InetSocketAddress(uri.getHost(), uri.getPort());
    if (target.isUnresolved()) {
      throw TrackerException.failed(uri, "cannot resolve " + uri.getHost());
    }
    if (socket == null || socket.isClosed() || !target.equals(socket.getRemoteSocketAddress())) {
      if (socket != null) {
        socket.close();
      }
      socket = new DatagramSocket();
      // Connected: datagrams from anywhere else are dropped by the system.
      socket.connect(target);
      connected = false;
    }
    return target;
  }

  private long connection(Attempts attempts) throws IOException {
    while (!connected || clock.nanoTime() - connectedAt >= CONNECTION_LIFETIME_NANOS) {
      int transaction = RANDOM.nextInt();
      long sentAt = clock.nanoTime();
      send(UdpCodec.connect(transaction));
      int length = receive(transaction, UdpCodec.CONNECT, attempts.timeoutNanos());
      if (length >= 0) {
        connectionId =
            UdpCodec.connectionId(buffer, length)
                .orElseThrow(() -> TrackerException.failed(uri, "a connect answer too short"));
        // Counted from the request: the tracker's minute started no earlier.
        connectedAt = sentAt;
        connected = true;
      } else {
        attempts.next();
      }
    }
    return connectionId;
  }

  private void send(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length));
  }

  /**
   * Waits up to {@code timeoutNanos} for the answer to {@code transaction}: its length in {@link
   * #buffer}, or -1 when none came in time. An error answer fails the announce with the tracker's
   * message.
   */
  private int receive(int transaction, int action, long timeoutNanos) throws IOException {
    long deadline = clock.nanoTime() + timeoutNanos;
    while (true) {
      long remaining = deadline - clock.nanoTime();
      if (remaining <= 0) {
        return -1;
      }
      long millis = Math.max(1, Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(remaining)));
      socket.setSoTimeout((int) millis);
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
      }
      int length = packet.getLength();
      Optional<UdpCodec.Header> header = UdpCodec.header(buffer, length);
      if (header.isEmpty() || header.get().transactionId() != transaction) {
        LOG.debug("{}: dropped a datagram of {} bytes not answering {}", uri, length, transaction);
        continue;
      }
      if (header.get().action() == UdpCodec.ERROR) {
        throw TrackerException.refused(uri, UdpCodec.errorMessage(buffer, length));
      }
      if (header.get().action() != action) {
        throw TrackerException.failed(
            uri, "answered action " + header.get().action() + " to action " + action);
      }
      return length;
    }
  }

  @Override
  public void close() {
    closed = true;
    DatagramSocket open = socket;
    if (open != null) {
      open.close();
    }
  }

  @Override
  public String toString() {
    return uri.toString();
  }

  /** BEP 15's n, counted over one announce (its connect exchanges included). */
  private final class Attempts {
    private int n;

    long timeoutNanos() {
      return settings.udpTimeoutBase().toNanos() << n;
    }

    void next() throws TrackerException {
      if (++n > settings.udpMaxRetransmissions()) {
        throw TrackerException.failed(
            uri, "no answer after " + settings.udpMaxRetransmissions() + " retransmissions");
      }
      LOG.debug("{}: no answer, sending again (n = {})", uri, n);
    }
  }
}
