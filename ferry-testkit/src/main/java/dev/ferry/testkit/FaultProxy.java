package dev.ferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on loopback that forwards to any server and breaks connections at the byte level on
 * the way back: resets, stalls, slow drips, early ends and flipped bits. It neither parses nor
 * terminates what it carries, so it sits as well in front of an HTTPS server as of a plain one, and
 * a client sees exactly what a broken network or middlebox would show it.
 *
 * <p>Each accepted connection takes the next fault queued by {@link #faultNext}, else the standing
 * one set by {@link #fault} (pass-through unless set). A fault lasts for its connection's whole
 * life, kept-alive requests included.
 */
public final class FaultProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

  private static final int BUFFER = 16 * 1024;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** As in {@link Wire}: bytes promised before a reset get this long to reach the client. */
  private static final Duration RESET_GRACE = Duration.ofMillis(100);

  private static final int SHORT_SEND_QUEUE = 64 * 1024;

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Queue<ProxyFault> queued = new ConcurrentLinkedQueue<>();
  private final List<ProxyFault> applied = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final LongAdder forwarded = new LongAdder();
  private volatile ProxyFault standing = ProxyFault.passThrough();
  private volatile boolean closed;

  private FaultProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  /** A proxy on a free port of {@code 127.0.0.1} in front of {@code origin}. */
  public static FaultProxy inFrontOf(TestOrigin origin) {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.port()));
  }

  /** A proxy on a free port of {@code 127.0.0.1} in front of the server at {@code target}. */
  public static FaultProxy start(InetSocketAddress target) {
    return start(InetAddress.getLoopbackAddress(), target);
  }

  /**
   * A proxy listening on a free port of {@code bindAddress} (another loopback address such as
   * {@code 127.0.0.2} makes the server appear under a name its certificate does not list).
   */
  public static FaultProxy start(InetAddress bindAddress, InetSocketAddress target) {
    Objects.requireNonNull(target, "target");
    ServerSocket listener;
    try {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress(bindAddress, 0));
    } catch (IOException e) {
      throw new IllegalStateException("fault proxy failed to listen on " + bindAddress, e);
    }
    FaultProxy proxy = new FaultProxy(listener, target);
    Thread.ofVirtual().name("fault-proxy-accept-" + listener.getLocalPort()).start(proxy::accept);
    return proxy;
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The address the proxy listens on, as a URI host (no brackets needed for IPv4). */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  /** {@code uri} with its host and port replaced by the proxy's; scheme, path and query kept. */
  public URI uri(URI uri) {
    return URI.create(
        uri.getScheme()
            + "://"
            + host()
            + ":"
            + port()
            + Objects.requireNonNullElse(uri.getRawPath(), "")
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  /** {@link #uri(URI)} as a string. */
  public String url(URI uri) {
    return uri(uri).toString();
  }

  /** Applies {@code fault} to every later connection until {@link #clearFaults}. */
  public void fault(ProxyFault fault) {
    standing = Objects.requireNonNull(fault, "fault");
  }

  /**
   * Applies {@code fault} to the next connection only. Successive calls queue up for successive
   * connections, and take precedence over the fault set by {@link #fault}.
   */
  public void faultNext(ProxyFault fault) {
    queued.add(Objects.requireNonNull(fault, "fault"));
  }

  /** Back to pass-through for later connections; connections already open keep their fault. */
  public void clearFaults() {
    standing = ProxyFault.passThrough();
    queued.clear();
  }

  /** The fault each connection accepted so far was given, oldest first. */
  public List<ProxyFault> connections() {
    synchronized (applied) {
      return List.copyOf(applied);
    }
  }

  /** Bytes forwarded from the server to clients so far, over all connections. */
  public long bytesForwarded() {
    return forwarded.sum();
  }

  /** Stops listening and cuts every open connection, stalled ones included. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    open.forEach(FaultProxy::closeQuietly);
  }

  @Override
  public String toString() {
    return "FaultProxy[" + host() + ":" + port() + " -> " + target + "]";
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("{} stopped accepting", this, e);
        }
        return;
      }
      ProxyFault fault = Objects.requireNonNullElse(queued.poll(), standing);
      synchronized (applied) {
        applied.add(fault);
      }
      open.add(client);
      if (closed) {
        closeQuietly(client);
        return;
      }
      LOG.debug("{}: connection from {} gets {}", this, client.getRemoteSocketAddress(), fault);
      Thread.ofVirtual().name("fault-proxy-" + port()).start(() -> serve(client, fault));
    }
  }

  private void serve(Socket client, ProxyFault fault) {
    Socket upstream = new Socket();
    open.add(upstream);
    CountDownLatch clientGone = new CountDownLatch(1);
    try {
      if (closed) {
        return;
      }
      upstream.connect(target, (int) CONNECT_TIMEOUT.toMillis());
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      if (fault instanceof ProxyFault.ResetAfter) {
        client.setSendBufferSize(SHORT_SEND_QUEUE);
      }
      Thread.ofVirtual()
          .name("fault-proxy-request-" + port())
          .start(() -> forwardRequests(client, upstream, clientGone));
      new Responses(client, upstream, fault, clientGone).forward();
    } catch (IOException e) {
      LOG.debug("{}: connection ended: {}", this, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(upstream);
      closeQuietly(client);
      open.remove(upstream);
      open.remove(client);
    }
  }

  /** Client to server, untouched; an orderly end is passed on as a half-close. */
  private static void forwardRequests(Socket client, Socket upstream, CountDownLatch clientGone) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = upstream.getOutputStream();
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
      upstream.shutdownOutput();
    } catch (IOException e) {
      // The response side notices on its next read or write and closes both.
    } finally {
      clientGone.countDown();
    }
  }

  /** Server to client through one fault. */
  private final class Responses {
    private final Socket client;
    private final Socket upstream;
    private final ProxyFault fault;
    private final CountDownLatch clientGone;
    private final byte[] buffer = new byte[BUFFER];
    private long sent;
    private boolean stalled;

    Responses(Socket client, Socket upstream, ProxyFault fault, CountDownLatch clientGone) {
      this.client = client;
      this.upstream = upstream;
      this.fault = fault;
      this.clientGone = clientGone;
    }

    void forward() throws IOException, InterruptedException {
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      while (true) {
        long threshold = threshold();
        if (sent == threshold && !act()) {
          return;
        }
        int want = (int) Math.min(BUFFER, Math.max(1, threshold - sent));
        if (fault instanceof ProxyFault.Drip drip) {
          want = Math.min(want, drip.bytes());
        }
        int n = in.read(buffer, 0, want);
        if (n < 0) {
          client.shutdownOutput();
          // Wait for the client to finish too, so its last request still reaches the server.
          clientGone.await();
          return;
        }
        if (fault instanceof ProxyFault.CorruptAt c
            && c.offset() >= sent
            && c.offset() < sent + n) {
          buffer[(int) (c.offset() - sent)] ^= (byte) 0xFF;
        }
        out.write(buffer, 0, n);
        out.flush();
        sent += n;
        forwarded.add(n);
        if (fault instanceof ProxyFault.Drip drip
            && clientGone.await(drip.every().toNanos(), TimeUnit.NANOSECONDS)) {
          return;
        }
      }
    }

    /** Where the fault acts, or {@link Long#MAX_VALUE} when it has nothing (more) to do. */
    private long threshold() {
      return switch (fault) {
        case ProxyFault.ResetAfter f -> f.bytes();
        case ProxyFault.TruncateAfter f -> f.bytes();
        case ProxyFault.StallAfter f -> stalled ? Long.MAX_VALUE : f.bytes();
        default -> Long.MAX_VALUE;
      };
    }

    /** Does what the fault does at its threshold; false when the connection is over. */
    private boolean act() throws IOException, InterruptedException {
      switch (fault) {
        case ProxyFault.ResetAfter f -> {
          Thread.sleep(RESET_GRACE);
          // A zero linger time makes close() send RST, which is how real peers abort.
          client.setSoLinger(true, 0);
          client.close();
          return false;
        }
        case ProxyFault.TruncateAfter f -> {
          client.shutdownOutput();
          return false;
        }
        case ProxyFault.StallAfter f -> {
          stalled = true;
          boolean gone = clientGone.await(f.duration().toNanos(), TimeUnit.NANOSECONDS);
          return !gone && !closed;
        }
        default -> throw new IllegalStateException("no threshold for " + fault);
      }
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Already broken: nothing left to release.
    }
  }
}
