package dev.ferry.swarm.discovery;

import dev.ferry.swarm.content.SwarmKey;
import java.util.List;
import java.util.Optional;

/**
 * One BEP 14 announce: "I take part in these swarms and listen on this port".
 *
 * @param port the TCP port the sender's peers are reached on, 1 to 65535
 * @param keys the swarms announced, at least one and at most {@link #MAX_KEYS}
 * @param cookie the sender's opaque token, by which it recognises its own announces coming back
 *     through multicast loopback; printable ASCII without spaces, at most {@link #MAX_COOKIE}
 *     characters
 */
public record LsdMessage(int port, List<SwarmKey> keys, Optional<String> cookie) {
  /**
   * Infohash headers in one datagram. BEP 14 keeps an announce of several within 1400 bytes; 52
   * bytes each ("Infohash: " + 40 + CRLF) leaves room for the rest with 24.
   */
  public static final int MAX_KEYS = 24;

  /** Longer cookies are refused: libtorrent's are 8 hex digits at most. */
  public static final int MAX_COOKIE = 64;

  public LsdMessage {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " out of range (1 to 65535)");
    }
    keys = List.copyOf(keys);
    if (keys.isEmpty() || keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException("1 to " + MAX_KEYS + " keys, not " + keys.size());
    }
    if (cookie.isPresent() && !validCookie(cookie.get())) {
      throw new IllegalArgumentException("not a cookie Ferry sends or accepts: " + cookie.get());
    }
  }

  static boolean validCookie(String cookie) {
    if (cookie.isEmpty() || cookie.length() > MAX_COOKIE) {
      return false;
    }
    for (int i = 0; i < cookie.length(); i++) {
      char c = cookie.charAt(i);
      if (c <= ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }
}
