package dev.ferry.daemon.doagent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps web pages out. A page the user visits can send requests to 127.0.0.1 by giving a name of
 * its own an address of 127.0.0.1 (DNS rebinding); the browser then sends that name in {@code
 * Host}, and an {@code Origin} with any cross-site request. The SDK sends {@code Host: 127.0.0.1}
 * and no {@code Origin}, so a request is refused when it carries an {@code Origin} or a {@code
 * Host} that is not {@code localhost} or a loopback address (any address literal when remote peers
 * are allowed: a literal cannot be rebound).
 */
final class RequestOrigin {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z]+)?");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private RequestOrigin() {}

  /** Why the request is refused, or empty. */
  static Optional<String> refusal(AgentRequest request, boolean allowRemote) {
    if (request.header("Origin") != null) {
      return Optional.of("a request from a web page (Origin: " + request.header("Origin") + ")");
    }
    String host = request.header("Host");
    if (host == null) {
      return Optional.empty(); // HTTP/1.0 clients; every browser sends Host
    }
    Optional<InetAddress> literal = literal(host.strip());
    boolean allowed =
        isLocalhost(host.strip())
            || literal.map(a -> allowRemote || a.isLoopbackAddress()).orElse(false);
    return allowed
        ? Optional.empty()
        : Optional.of("a request for another host (Host: " + host + ")");
  }

  private static boolean isLocalhost(String host) {
    String name = withoutPort(host).toLowerCase(Locale.ROOT);
    return name.equals("localhost") || name.equals("localhost.");
  }

  /** {@code 127.0.0.1}, {@code 127.0.0.1:50000}, {@code [::1]}, {@code [::1]:50000}. */
  private static Optional<InetAddress> literal(String host) {
    String address;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      String rest = host.substring(close + 1);
      if (!rest.isEmpty() && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches())) {
        return Optional.empty();
      }
      address = host.substring(1, close);
      if (!IPV6.matcher(address).matches() || address.indexOf(':') < 0) {
        return Optional.empty();
      }
    } else {
      address = withoutPort(host);
      if (!IPV4.matcher(address).matches()) {
        return Optional.empty();
      }
      byte[] octets = new byte[4];
      String[] parts = address.split("\\.");
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(parts[i]);
        if (octet > 255) {
          return Optional.empty();
        }
        octets[i] = (byte) octet;
      }
      try {
        return Optional.of(InetAddress.getByAddress(octets));
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    try {
      // A text with a colon is parsed as an IPv6 literal, never looked up as a name.
      return Optional.of(InetAddress.getByName(address));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static String withoutPort(String host) {
    int colon = host.lastIndexOf(':');
    if (colon > 0
        && host.indexOf(':') == colon
        && PORT.matcher(host.substring(colon + 1)).matches()) {
      return host.substring(0, colon);
    }
    return host;
  }
}
