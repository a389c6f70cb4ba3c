package dev.ferry.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The command line's check of a URL before it reaches an engine: a malformed one is a wrong command
 * line (exit 2), not a request the engine refuses or, worse, a transfer that retries until its
 * timeout (a port past 65535 was taken for a transient error).
 */
final class Urls {
  private static final Set<String> SCHEMES = Set.of("http", "https", "file");

  private Urls() {}

  /** Why {@code url} cannot be downloaded, or empty when it looks right. */
  static Optional<String> problem(String url) {
    if (url.isBlank()) {
      return Optional.of("an empty URL");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("'" + url + "' is not a URL: " + e.getReason() + hint(url));
    }
    String scheme = uri.getScheme();
    if (scheme == null || uri.isOpaque()) {
      return Optional.of("'" + url + "' is not a URL: it has no scheme" + hint(url));
    }
    if (!SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
      return Optional.of(
          "'" + url + "': the scheme " + scheme + " is not supported (http, https or file)");
    }
    if (scheme.equalsIgnoreCase("file")) {
      return uri.getPath() == null || uri.getPath().isEmpty()
          ? Optional.of("'" + url + "' names no file")
          : Optional.empty();
    }
    if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
      return Optional.of("'" + url + "' has no host");
    }
    if (uri.getPort() > 65535) {
      return Optional.of("'" + url + "': the port " + uri.getPort() + " is past 65535");
    }
    return Optional.empty();
  }

  /** A suggestion for a URL typed without its scheme, as host:port/path. */
  private static String hint(String url) {
    return url.contains("://") || url.isBlank() || url.contains(" ")
        ? ""
        : "; did you mean http://" + url + "?";
  }
}
