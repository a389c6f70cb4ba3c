package dev.ferry.daemon.doagent;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP/1.1 listener, written by hand on a {@link ServerSocket} on purpose. Microsoft's
 * C++ SDK sends request lines without a leading slash ({@code POST download/create?.. HTTP/1.1}),
 * which Jetty (and so Javalin) rejects as an invalid request target before any handler runs; and
 * the SDK parses replies strictly (a reason phrase, {@code Content-Length} spelled exactly so, no
 * chunked encoding, at most 2048 bytes), which a general server reshapes as it likes. The protocol
 * needs only request lines, headers and small bodies, so a small server that owns every byte it
 * writes is simpler than bending a general one.
 *
 * <p>One virtual thread serves each connection, requests one after another (keep-alive, as the SDK
 * keeps one connection for all its calls). As in the agent, an idle connection is never closed (the
 * SDK would reconnect, but each reconnection costs it a quarter of a second or more); only when
 * {@link DoAgentOptions#maxConnections} are open is the one idle longest closed for a new one.
 * Limits: request line and each header line {@value #MAX_LINE} bytes, {@value #MAX_HEADERS}
 * headers, a body of {@value #MAX_BODY} bytes (the agent reads at most 2048 bytes a request, so
 * these are wider). A request that cannot be read, beyond them, or with a chunked body (nothing in
 * the protocol sends one) is answered as the agent answers what its parser rejects: {@code 400
 * BadRequest} without a body, and the connection is closed.
 */
final class AgentHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentHttpServer.class);

  static final int MAX_LINE = 8 * 1024;
  static final int MAX_HEADERS = 64;
  static final int MAX_BODY = 64 * 1024;

  /** Handles one parsed request; a {@link FerryException} becomes the agent's error reply. */
  @FunctionalInterface
  interface Handler {
    AgentReply handle(AgentRequest request);
  }

  /** An open connection: whether a request is being read or answered, and since when it is idle. */
  private static final class Connection {
    final Socket socket;
    volatile boolean busy;
    volatile long idleSinceNanos = System.nanoTime();

    Connection(Socket socket) {
      this.socket = socket;
    }
  }

  private final ServerSocket socket;
  private final Handler handler;
  private final BooleanSupplier remoteAllowed;
  private final AgentCallers callers;
  private final int maxConnections;
  private final int requestTimeoutMillis;
  private final Map<Socket, Connection> connections = new ConcurrentHashMap<>();
  private final Thread acceptor;
  private volatile boolean closed;

  private AgentHttpServer(
      ServerSocket socket,
      Handler handler,
      BooleanSupplier remoteAllowed,
      AgentCallers callers,
      int maxConnections,
      Duration requestTimeout) {
    this.requestTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
    this.socket = socket;
    this.handler = handler;
    this.remoteAllowed = remoteAllowed;
    this.callers = callers;
    this.maxConnections = maxConnections;
    this.acceptor = Thread.ofVirtual().name("do-agent-accept").unstarted(this::acceptLoop);
  }

  /**
   * Listens on the first free port of {@code firstPort..lastPort} at {@code address}, as the agent
   * does, so the SDK's port file is the only thing a client needs.
   *
   * @param remoteAllowed asked for each request from an address that is not loopback: whether it is
   *     served (the agent's {@code RestControllerValidateRemoteAddr=false})
   * @throws IOException when every port is taken
   */
  static AgentHttpServer start(
      InetAddress address,
      int firstPort,
      int lastPort,
      BooleanSupplier remoteAllowed,
      AgentCallers callers,
      int maxConnections,
      Duration requestTimeout,
      Handler handler)
      throws IOException {
    IOException last = null;
    for (int port = firstPort; port <= lastPort; port++) {
      ServerSocket server = new ServerSocket();
      try {
        // No SO_REUSEADDR: two listeners must never share a port the port file names.
        server.setReuseAddress(false);
        server.bind(new InetSocketAddress(address, port), 64);
      } catch (BindException e) {
        server.close();
        last = e;
        continue;
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
      AgentHttpServer agent =
          new AgentHttpServer(
              server, handler, remoteAllowed, callers, maxConnections, requestTimeout);
      agent.acceptor.start();
      return agent;
    }
    throw new IOException(
        "no free port in " + firstPort + ".." + lastPort + " on " + address.getHostAddress(), last);
  }

  int port() {
    return socket.getLocalPort();
  }

  InetAddress address() {
    return socket.getInetAddress();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("the DO agent listener failed: {}", e.toString());
        }
        return;
      }
      Connection open = new Connection(connection);
      connections.put(connection, open);
      if (connections.size() > maxConnections) {
        closeLongestIdle(open);
      }
      Thread.ofVirtual().name("do-agent-conn-" + connection.getPort()).start(() -> serve(open));
    }
  }

  /** Closes the connection idle longest, other than {@code fresh}; none if all are busy. */
  private void closeLongestIdle(Connection fresh) {
    Connection oldest = null;
    for (Connection c : connections.values()) {
      if (c != fresh && !c.busy && (oldest == null || c.idleSinceNanos < oldest.idleSinceNanos)) {
        oldest = c;
      }
    }
    if (oldest != null) {
      log.info(
          "{} DO agent connections are open: closing the one idle longest", connections.size());
      try {
        oldest.socket.close();
      } catch (IOException ignored) {
        // Gone already.
      }
    }
  }

  private void serve(Connection open) {
    Socket connection = open.socket;
    try (connection) {
      connection.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(connection.getInputStream());
      OutputStream out = connection.getOutputStream();
      InetAddress peer = connection.getInetAddress();
      // Every caller, also one from a non-loopback address of this machine (served only when the
      // configuration allows it), is checked: a per-user agent serves its own user alone.
      Optional<String> refused = callers.refusal(connection);
      if (refused.isPresent()) {
        log.warn("refused a DO agent connection: {}", refused.get());
        out.write(AgentReply.error(HResult.E_ACCESSDENIED.value()).closing().encode());
        out.flush();
        lingeringClose(connection, in);
        return;
      }
      boolean keepAlive = true;
      while (keepAlive && !closed) {
        AgentReply reply;
        AgentRequest request;
        connection.setSoTimeout(0); // idle between requests for as long as the client likes
        in.mark(1);
        if (in.read() < 0) {
          return; // the client closed the connection between requests
        }
        in.reset();
        open.busy = true;
        // Within a request, a client that stalls is dropped: it holds a place that the longest
        // idle connection would otherwise give up.
        connection.setSoTimeout(requestTimeoutMillis);
        try {
          request = read(in, peer);
          if (request == null) {
            return;
          }
          reply = dispatch(request);
          keepAlive = !reply.close() && wantsKeepAlive(request);
        } catch (Malformed e) {
          log.debug("malformed DO agent request: {}", e.getMessage());
          out.write(AgentReply.malformed().encode());
          out.flush();
          lingeringClose(connection, in);
          return;
        }
        out.write((keepAlive ? reply : reply.closing()).encode());
        out.flush();
        open.idleSinceNanos = System.nanoTime();
        open.busy = false;
      }
    } catch (SocketException e) {
      // The client went away, or the connection was closed for a newer one.
    } catch (IOException e) {
      log.debug("DO agent connection ended: {}", e.toString());
    } finally {
      connections.remove(connection);
    }
  }

  /**
   * Closing with unread input makes the kernel send a reset, which can destroy the error reply
   * before the client reads it; so stop writing, then read and drop what the client still sends,
   * for a moment.
   */
  private static void lingeringClose(Socket connection, InputStream in) {
    try {
      connection.shutdownOutput();
      connection.setSoTimeout(1000);
      byte[] sink = new byte[8192];
      long dropped = 0;
      for (int n; dropped < MAX_BODY * 16L && (n = in.read(sink)) > 0; ) {
        dropped += n;
      }
    } catch (IOException e) {
      // Gone or slow: close anyway.
    }
  }

  private AgentReply dispatch(AgentRequest request) {
    boolean remote = !request.peer().isLoopbackAddress();
    if (remote && !remoteAllowed.getAsBoolean()) {
      // As the agent answers such a caller, request after request.
      log.warn("refused a DO agent request from {}", request.peer().getHostAddress());
      return AgentReply.error(HResult.E_INVALIDARG.value());
    }
    Optional<String> foreign = RequestOrigin.refusal(request, remote);
    if (foreign.isPresent()) {
      log.warn("refused a DO agent request: {}", foreign.get());
      return AgentReply.error(HResult.E_ACCESSDENIED.value()).closing();
    }
    try {
      return handler.handle(request);
    } catch (FerryException e) {
      log.debug("{} {}: {}", request.method(), request.path(), e.toString());
      return AgentReply.error(e.hresult());
    } catch (RuntimeException e) {
      log.error("DO agent request {} {} failed", request.method(), request.path(), e);
      return AgentReply.error(AgentReply.UNHANDLED_EXCEPTION);
    }
  }

  private static boolean wantsKeepAlive(AgentRequest request) {
    String connection = request.header("Connection");
    if (connection != null) {
      String value = connection.toLowerCase(Locale.ROOT);
      if (value.contains("close")) {
        return false;
      }
      if (value.contains("keep-alive")) {
        return true;
      }
    }
    return !"HTTP/1.0".equals(request.headers().get(":version"));
  }

  /** The next request, or null when the client closed the connection between requests. */
  static AgentRequest read(InputStream in, InetAddress peer) throws IOException {
    String line = readLine(in, true);
    while (line != null && line.isEmpty()) {
      // RFC 9112 §2.2: ignore empty lines before a request line.
      line = readLine(in, true);
    }
    if (line == null) {
      return null;
    }
    String[] parts = line.split(" ", -1);
    if (parts.length != 3
        || parts[0].isEmpty()
        || parts[1].isEmpty()
        || !parts[2].startsWith("HTTP/1.")) {
      throw new Malformed("malformed request line: " + abbreviate(line));
    }
    Map<String, String> headers = new HashMap<>();
    headers.put(":version", parts[2]);
    int count = 0;
    for (String header = readLine(in, false); !header.isEmpty(); header = readLine(in, false)) {
      if (++count > MAX_HEADERS) {
        throw new Malformed("more than " + MAX_HEADERS + " headers");
      }
      int colon = header.indexOf(':');
      if (colon <= 0 || header.charAt(0) == ' ' || header.charAt(0) == '\t') {
        throw new Malformed("malformed header: " + abbreviate(header));
      }
      headers.put(
          header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).strip());
    }
    byte[] body = readBody(in, headers);
    String[] target = AgentRequest.splitTarget(parts[1]);
    return new AgentRequest(parts[0], target[0], target[1], headers, body, peer);
  }

  private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
    String encoding = headers.get("transfer-encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      throw new Malformed("chunked request bodies are not supported");
    }
    String length = headers.get("content-length");
    if (length == null) {
      return new byte[0];
    }
    long size;
    try {
      size = Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      throw new Malformed("malformed Content-Length");
    }
    if (size < 0) {
      throw new Malformed("malformed Content-Length");
    }
    if (size > MAX_BODY) {
      throw new Malformed("body larger than " + MAX_BODY + " bytes");
    }
    byte[] body = in.readNBytes((int) size);
    if (body.length < size) {
      throw new java.io.EOFException("the body ended early");
    }
    return body;
  }

  /**
   * A line ending in CRLF (or a bare LF), without it, as ISO-8859-1 so that every byte survives;
   * null at end of stream when {@code eofAllowed}.
   */
  private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (eofAllowed && line.size() == 0) {
          return null;
        }
        throw new java.io.EOFException("the request ended early");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      if (line.size() >= MAX_LINE) {
        throw new Malformed("a line is longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  /** A request that cannot be read: {@link AgentReply#malformed()}, and the connection closed. */
  static final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /** Stops listening and ends every open connection. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing the DO agent listener: {}", e.toString());
    }
    for (Socket connection : connections.keySet()) {
      try {
        connection.close();
      } catch (IOException ignored) {
        // Already gone.
      }
    }
    try {
      acceptor.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
