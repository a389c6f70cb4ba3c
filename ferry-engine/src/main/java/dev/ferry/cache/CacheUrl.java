package dev.ferry.cache;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The URL a cache host is asked at for a file, in the form Microsoft Connected Cache serves and
 * Microsoft's Linux agent sends: the origin's path and query kept, the host (and port) replaced by
 * the cache host's, and {@code cacheHostOrigin=<origin host>} appended, so that {@code
 * http://a.example/p/f.cab?x=1} becomes {@code http://CACHE/p/f.cab?x=1&cacheHostOrigin=a.example}.
 *
 * <p>The cache is always asked over plain http, whatever the origin's scheme, as that agent does: a
 * cache host terminates no TLS for the origin's name, and the origin's https only protects the link
 * the cache fetches over. Only the origin's host name goes in the parameter (no port, no scheme),
 * as in the agent; a cache that must reach an origin on another port or over https maps the name
 * itself.
 */
public final class CacheUrl {
  private CacheUrl() {}

  /**
   * The URL of {@code origin}'s file at {@code cacheHost}.
   *
   * @param cacheHost a host name, an IPv4 address or an IPv6 address (bracketed or not), each
   *     optionally followed by {@code :port} (an IPv6 address takes a port only in brackets)
   * @throws IllegalArgumentException when {@code origin} has no host or {@code cacheHost} is not a
   *     host
   */
  public static URI rewrite(URI origin, String cacheHost) {
    String host = origin.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the origin URL names no host: " + origin);
    }
    String originHost = unbracketed(host);
    String path =
        origin.getRawPath() == null || origin.getRawPath().isEmpty() ? "/" : origin.getRawPath();
    String query = origin.getRawQuery();
    String parameter = "cacheHostOrigin=" + encode(originHost);
    String rewritten =
        "http://"
            + authority(cacheHost)
            + path
            + "?"
            + (query == null || query.isEmpty() ? parameter : query + "&" + parameter);
    try {
      return new URI(rewritten);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a usable cache host: " + cacheHost, e);
    }
  }

  /** The host part of a cache host entry, without brackets or port: what bans are kept under. */
  static String authority(String cacheHost) {
    String entry = cacheHost.trim();
    if (entry.isEmpty() || entry.contains("/") || entry.contains("@") || entry.contains(" ")) {
      throw new IllegalArgumentException("not a cache host: '" + cacheHost + "'");
    }
    // An IPv6 literal without brackets has more than one colon and no port.
    if (!entry.startsWith("[") && entry.indexOf(':') != entry.lastIndexOf(':')) {
      return "[" + entry + "]";
    }
    return entry;
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Percent-encodes what a query value cannot hold as it is (an IPv6 address's colons stay). */
  private static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == ':' || c == '_') {
        out.append(c);
      } else {
        for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          out.append('%').append(String.format("%02X", b & 0xff));
        }
      }
    }
    return out.toString();
  }
}
