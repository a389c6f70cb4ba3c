package dev.ferry.daemon.identity;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;

/**
 * The sessions of browsers that presented the TCP token once (the dashboard's login). A browser's
 * EventSource cannot send an Authorization header, so the page trades the token for a session
 * secret that travels in an HttpOnly, SameSite=Strict cookie. Secrets are random and held only in
 * memory: they end with the daemon, as its token does, and never derive from the token, so a leaked
 * cookie does not reveal it.
 */
public final class BrowserSessions {
  /** The cookie's name. */
  public static final String COOKIE = "ferry-session";

  /** The most sessions kept; opening one more forgets the oldest (its page must log in again). */
  static final int LIMIT = 32;

  private final SecureRandom random = new SecureRandom();
  private final Deque<byte[]> secrets = new ArrayDeque<>();

  /** A new session's secret, for the cookie. */
  public synchronized String open() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    secrets.addLast(secret.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    if (secrets.size() > LIMIT) {
      secrets.removeFirst();
    }
    return secret;
  }

  /** Whether {@code presented} is the secret of an open session. */
  public synchronized boolean accepts(String presented) {
    if (presented == null) {
      return false;
    }
    byte[] bytes = presented.strip().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    boolean found = false;
    for (byte[] secret : secrets) {
      // Constant time and no early exit, as for the token: no secret guessed from response times.
      found |= MessageDigest.isEqual(bytes, secret);
    }
    return found;
  }
}
