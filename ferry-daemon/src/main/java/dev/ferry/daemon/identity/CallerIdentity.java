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
 * token file.
 */
public final class CallerIdentity {
  private static final Logger log = LoggerFactory.getLogger(CallerIdentity.class);

  private final UserDirectory users;
  private final JobOwner daemonUser;
  private final byte[] token;

  /**
   * @param token the TCP bearer token, or null when there is no TCP listener
   */
  public CallerIdentity(UserDirectory users, JobOwner daemonUser, String token) {
    this.users = users;
    this.daemonUser = daemonUser;
    this.token = token == null ? null : token.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The caller of a request that arrived over {@code connection}.
   *
   * @param authorization the request's Authorization header, or null
   * @throws AccessDenied when the identity cannot be established
   */
  public JobOwner callerOf(ConnectionMetaData connection, String authorization) {
    if (connection.getConnector() instanceof UnixDomainServerConnector) {
      return peerOf(connection.getConnection().getEndPoint());
    }
    return bearer(authorization);
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
