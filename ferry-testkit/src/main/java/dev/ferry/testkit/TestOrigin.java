package dev.ferry.testkit;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An HTTP/1.1 origin on {@code 127.0.0.1} that serves {@link Content} and injects {@link Fault}s,
 * for tests that download over real sockets.
 *
 * <p>Paths may be given with or without their leading slash. Content and faults can be changed
 * while requests are in flight; each request sees the state at the moment it arrives.
 *
 * <p>Responses to GET and HEAD carry a strong ETag, Last-Modified, {@code Accept-Ranges: bytes} and
 * honour a single byte range and If-Range; HEAD answers exactly like GET without the body. Requests
 * with several ranges get the whole body with 200. Other methods get 405.
 */
public final class TestOrigin implements AutoCloseable {

  private static final String HOST = "127.0.0.1";

  // Long enough that only injected faults, never Jetty, decide when a quiet connection dies.
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

  private final Server server;
  private final OriginHandler handler;
  private final Routes routes;
  private final int port;

  private final SelfSignedCertificate certificate;

  private TestOrigin(
      Server server,
      OriginHandler handler,
      Routes routes,
      int port,
      SelfSignedCertificate certificate) {
    this.server = server;
    this.handler = handler;
    this.routes = routes;
    this.port = port;
    this.certificate = certificate;
  }

  /** Starts an origin on a free port of {@code 127.0.0.1}. */
  public static TestOrigin start() {
    return start(null);
  }

  /**
   * Starts an HTTPS origin with a fresh self-signed certificate for {@code 127.0.0.1} and {@code
   * localhost}. Clients trust it through {@link #clientTrust()}; anyone else rejects it, as a
   * client must reject a certificate it cannot verify.
   */
  public static TestOrigin startTls() {
    return start(SelfSignedCertificate.create());
  }

  /** An SSL context that trusts this origin's certificate (HTTPS origins only). */
  public javax.net.ssl.SSLContext clientTrust() {
    if (certificate == null) {
      throw new IllegalStateException("this origin speaks plain HTTP");
    }
    return certificate.clientContext();
  }

  private static TestOrigin start(SelfSignedCertificate certificate) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("test-origin");
    // A forgotten close() must not keep the test JVM alive.
    threads.setDaemon(true);
    threads.setVirtualThreadsExecutor(
        VirtualThreads.getNamedVirtualThreadsExecutor("test-origin-handler"));
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Paths are literal names chosen by tests, so odd ones (a '%' in a file name) must get through.
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector =
        certificate == null
            ? new ServerConnector(server, new HttpConnectionFactory(http))
            : new ServerConnector(
                server,
                new org.eclipse.jetty.server.SslConnectionFactory(
                    certificate.serverFactory(), "http/1.1"),
                new HttpConnectionFactory(http));
    connector.setHost(HOST);
    connector.setPort(0);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    Routes routes = new Routes();
    OriginHandler handler = new OriginHandler(routes);
    server.setHandler(handler);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server, e);
      throw new IllegalStateException("test origin failed to start", e);
    }
    return new TestOrigin(server, handler, routes, connector.getLocalPort(), certificate);
  }

  /**
   * {@code http://127.0.0.1:PORT/path}. The path may end with a {@code ?query}. Everything else is
   * taken literally: characters a URI cannot hold, {@code %} included, are percent-encoded, and the
   * origin matches requests on the decoded path, so it round-trips.
   */
  public URI uri(String path) {
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    try {
      URI uri =
          new URI(
              certificate == null ? "http" : "https",
              null,
              HOST,
              port,
              Routes.normalize(bare),
              query < 0 ? null : path.substring(query + 1),
              null);
      // Non-ASCII stays raw in the URI above; clients expect it encoded.
      return URI.create(uri.toASCIIString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a usable path: " + path, e);
    }
  }

  /** {@link #uri(String)} as a string. */
  public String url(String path) {
    return uri(path).toString();
  }

  public int port() {
    return port;
  }

  /**
   * Serves {@code content} at {@code path}. Each call is a new version: a new ETag, and a
   * Last-Modified at least one second after any this path had before.
   */
  public void put(String path, Content content) {
    routes.get(path).put(content);
  }

  /** Serves a copy of {@code bytes} at {@code path}; see {@link #put(String, Content)}. */
  public void put(String path, byte[] bytes) {
    put(path, Content.of(bytes));
  }

  /** Stops serving {@code path}: later requests get 404. Faults and records are kept. */
  public void remove(String path) {
    routes.get(path).remove();
  }

  /** Applies {@code fault} to every later request of {@code path} until {@link #clearFaults}. */
  public void fault(String path, Fault fault) {
    routes.get(path).fault(fault);
  }

  /**
   * Applies {@code fault} to the next GET or HEAD of {@code path} only. Successive calls queue up
   * for successive requests, and take precedence over a fault set by {@link #fault}.
   */
  public void faultOnce(String path, Fault fault) {
    routes.get(path).faultOnce(fault);
  }

  /** Removes the standing fault and any queued one-shot faults of {@code path}. */
  public void clearFaults(String path) {
    routes.get(path).clearFaults();
  }

  /** Every request received for {@code path} so far, oldest first. */
  public List<RecordedRequest> requests(String path) {
    return routes.get(path).requests();
  }

  /**
   * Body bytes written to the socket for {@code path} so far, across all requests, including
   * garbage sent by {@link Fault#longBody}. A reset may still discard some of them in transit.
   */
  public long bytesServed(String path) {
    return routes.get(path).bytesServed();
  }

  /**
   * The most requests for {@code path} that were being answered at the same moment: how many
   * connections a client used at once.
   */
  public int mostConcurrentRequests(String path) {
    return routes.get(path).mostInFlight();
  }

  /** Stops the origin, cutting any stalled or in-flight responses short. */
  @Override
  public void close() {
    handler.beginStopping();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("test origin failed to stop", e);
    }
  }

  private static void stopQuietly(Server server, Exception cause) {
    try {
      server.stop();
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return "TestOrigin[" + HOST + ":" + port + "]";
  }
}
