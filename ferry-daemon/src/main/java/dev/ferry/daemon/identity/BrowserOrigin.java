package dev.ferry.daemon.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps other web pages from acting with the dashboard's cookie (CSRF) or reading through a name of
 * their own that resolves to 127.0.0.1 (DNS rebinding). SameSite=Strict already keeps the cookie
 * off requests other sites start; this checks what the browser says on every request the cookie
 * authenticates: {@code Host} must name the loopback listener ({@code 127.0.0.1:PORT} or {@code
 * localhost:PORT}), and an {@code Origin}, which browsers send with every request that changes
 * something, must be that same place. A request that changes something without an {@code Origin} is
 * refused: browsers send one, so only a non-browser client would leave it out, and those send the
 * token instead of the cookie.
 */
public final class BrowserOrigin {
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

  private BrowserOrigin() {}

  /**
   * Why a request authenticated by the cookie is refused, or empty.
   *
   * @param port the port of the loopback listener the request came in on
   */
  public static Optional<String> refusal(String method, String host, String origin, int port) {
    Set<String> hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
    if (host == null || !hosts.contains(host.strip().toLowerCase(Locale.ROOT))) {
      return Optional.of("a request for another host (Host: " + host + ")");
    }
    if (origin != null) {
      String o = origin.strip().toLowerCase(Locale.ROOT);
      if (!o.startsWith("http://") || !hosts.contains(o.substring("http://".length()))) {
        return Optional.of("a request from another page (Origin: " + origin + ")");
      }
      return Optional.empty();
    }
    if (!SAFE.contains(method.toUpperCase(Locale.ROOT))) {
      return Optional.of("a " + method + " with the session cookie needs an Origin");
    }
    return Optional.empty();
  }
}
