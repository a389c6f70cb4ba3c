package dev.ferry.daemon.identity;

import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Establishes who sent a request. On the Unix socket the kernel tells us (SO_PEERCRED), so nothing
 * in the request can claim another identity. On the TCP listener there are no peer credentials: a
 * caller that presents the token acts as the daemon's own user, since only that user can read the
 * token file. A browser that presented the token once holds a session cookie ({@link
 * BrowserSessions}) instead, accepted on the TCP listener only and only from the listener's own
 * pages ({@link BrowserOrigin}).
 */
public final class CallerIdentity {
  private static final Logger log = LoggerFactory.getLogger(CallerIdentity.class);

  private final UserDirectory users;
  private final JobOwner daemonUser;
  private final byte[] token;
  private final BrowserSessions sessions;

  /**
   * @param token the TCP bearer token, or null when there is no TCP listener
   */
  public CallerIdentity(UserDirectory users, JobOwner daemonUser, String token) {
    this(users, daemonUser, token, new BrowserSessions());
  }

  /**
   * @param token the TCP bearer token, or null when there is no TCP listener
   * @param sessions the browsers' sessions the TCP listener accepts
   */
  public CallerIdentity(
      UserDirectory users, JobOwner daemonUser, String token, BrowserSessions sessions) {
    this.users = users;
    this.daemonUser = daemonUser;
    this.token = token == null ? null : token.getBytes(StandardCharsets.US_ASCII);
    this.sessions = sessions;
  }

  /** The browsers' sessions, which the dashboard's login opens. */
  public BrowserSessions sessions() {
    return sessions;
  }

  /**
   * What a browser's request says besides the Authorization header.
   *
   * @param session the session cookie's value, or null
   * @param method the request's method
   * @param host its Host header, or null
   * @param origin its Origin header, or null
   */
  public record Browser(String session, String method, String host, String origin) {
    /** A request without the cookie. */
    public static final Browser NONE = new Browser(null, "GET", null, null);
  }

  /**
   * The caller of a request that arrived over {@code connection}.
   *
   * @param authorization the request's Authorization header, or null
   * @throws AccessDenied when the identity cannot be established
   */
  public JobOwner callerOf(ConnectionMetaData connection, String authorization) {
    return callerOf(connection, authorization, Browser.NONE);
  }

  /**
   * The caller of a request that arrived over {@code connection}: on the TCP listener, the bearer
   * token when the request has an Authorization header, else the session cookie.
   *
   * @param authorization the request's Authorization header, or null
   * @throws AccessDenied when the identity cannot be established
   */
  public JobOwner callerOf(ConnectionMetaData connection, String authorization, Browser browser) {
    if (connection.getConnector() instanceof UnixDomainServerConnector) {
      return peerOf(connection.getConnection().getEndPoint());
    }
    if (authorization == null && browser.session() != null && token != null) {
      return session(browser, connection);
    }
    return bearer(authorization);
  }

  private JobOwner session(Browser browser, ConnectionMetaData connection) {
    if (!sessions.accepts(browser.session())) {
      throw new AccessDenied(401, "the session is not known (log in again with ferry dashboard)");
    }
    int port =
        connection.getLocalSocketAddress() instanceof java.net.InetSocketAddress local
            ? local.getPort()
            : -1;
    Optional<String> refusal =
        BrowserOrigin.refusal(browser.method(), browser.host(), browser.origin(), port);
    if (refusal.isPresent()) {
      log.warn("refused {} with a session cookie: {}", browser.method(), refusal.get());
      throw new AccessDenied(403, "refused: " + refusal.get());
    }
    return daemonUser;
  }

  private JobOwner peerOf(EndPoint endPoint) {
    if (!(endPoint instanceof SocketChannelEndPoint socketEndPoint)
        || !(socketEndPoint.getChannel() instanceof SocketChannel channel)) {
      throw new AccessDenied(403, "the caller's credentials are not available");
    }
    String name;
    try {
      UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      name = principal.user().getName();
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot read the peer credentials of a connection: {}", e.getMessage());
      throw new AccessDenied(403, "the caller's credentials are not available");
    }
    Optional<Long> uid = users.uidOf(name);
    if (uid.isEmpty()) {
      throw new AccessDenied(403, "the calling user " + name + " is unknown");
    }
    return new JobOwner(uid.get(), name);
  }

  private JobOwner bearer(String authorization) {
    if (token == null) {
      throw new AccessDenied(403, "this listener accepts no callers");
    }
    String prefix = "Bearer ";
    if (authorization == null
        || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw new AccessDenied(401, "a bearer token is required");
    }
    byte[] presented =
        authorization.substring(prefix.length()).strip().getBytes(StandardCharsets.US_ASCII);
    // Constant time, so the token cannot be guessed byte by byte from response times.
    if (!MessageDigest.isEqual(presented, token)) {
      throw new AccessDenied(401, "the bearer token is wrong");
    }
    return daemonUser;
  }

  /** The identity could not be established: 401 (TCP, no or wrong token) or 403. */
  public static final class AccessDenied extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public AccessDenied(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }

    public HResult code() {
      return HResult.E_ACCESSDENIED;
    }
  }
}
