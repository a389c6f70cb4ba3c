package dev.ferry.http;

import dev.ferry.api.ProxySettings;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the proxy for a request from a job's proxy settings. PRECONFIG (and AUTODETECT, which has
 * no WPAD here) reads the conventional {@code http_proxy}, {@code https_proxy} and {@code no_proxy}
 * environment variables; OVERRIDE reads the job's own lists in the BITS syntax.
 */
public final class ProxySelection {
  /** A proxy host and port. */
  public record Proxy(String scheme, String host, int port) {}

  /** Raised for a proxy list that cannot be parsed; the job goes to ERROR. */
  public static final class InvalidProxyException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidProxyException(String message) {
      super(message);
    }
  }

  private final Map<String, String> environment;

  public ProxySelection(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public Optional<Proxy> select(URI target, ProxySettings settings) throws InvalidProxyException {
    String scheme = target.getScheme().toLowerCase(Locale.ROOT);
    String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
    return switch (settings.usage()) {
      case NO_PROXY -> Optional.empty();
      case OVERRIDE -> {
        if (bypassedByBitsList(host, settings.bypassList())) {
          yield Optional.empty();
        }
        yield Optional.of(fromBitsList(scheme, settings.proxyList()));
      }
      case PRECONFIG, AUTODETECT -> fromEnvironment(scheme, host);
    };
  }

  private Optional<Proxy> fromEnvironment(String scheme, String host) throws InvalidProxyException {
    String value = env(scheme + "_proxy");
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String noProxy = env("no_proxy");
    if (noProxy != null) {
      for (String entry : noProxy.split("[,\\s]+")) {
        String e = entry.trim().toLowerCase(Locale.ROOT);
        if (e.isEmpty()) {
          continue;
        }
        if (e.equals("*")) {
          return Optional.empty();
        }
        int colon = e.lastIndexOf(':');
        if (colon > 0 && e.indexOf(']') < colon) {
          e = e.substring(0, colon);
        }
        String suffix = e.startsWith(".") ? e : "." + e;
        if (host.equals(e.startsWith(".") ? e.substring(1) : e) || host.endsWith(suffix)) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(parseEntry(value.trim()));
  }

  private String env(String lowerName) {
    String value = environment.get(lowerName);
    return value != null ? value : environment.get(lowerName.toUpperCase(Locale.ROOT));
  }

  private static Proxy fromBitsList(String scheme, String list) throws InvalidProxyException {
    if (list == null || list.isBlank()) {
      throw new InvalidProxyException("the proxy list is empty");
    }
    Proxy fallback = null;
    for (String entry : list.trim().split("[\\s;]+")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        String protocol = entry.substring(0, eq).toLowerCase(Locale.ROOT);
        if (!protocol.equals("http") && !protocol.equals("https")) {
          throw new InvalidProxyException("unsupported protocol '" + protocol + "' in proxy list");
        }
        Proxy proxy = parseEntry(entry.substring(eq + 1));
        if (protocol.equals(scheme)) {
          return proxy;
        }
      } else if (fallback == null) {
        fallback = parseEntry(entry);
      }
    }
    if (fallback == null) {
      throw new InvalidProxyException("no proxy in the list serves " + scheme);
    }
    return fallback;
  }

  private static Proxy parseEntry(String entry) throws InvalidProxyException {
    String text = entry;
    String scheme = "http";
    int sep = text.indexOf("://");
    if (sep >= 0) {
      scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
      text = text.substring(sep + 3);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new InvalidProxyException("unsupported proxy scheme '" + scheme + "'");
      }
    }
    int slash = text.indexOf('/');
    if (slash >= 0) {
      text = text.substring(0, slash);
    }
    int at = text.lastIndexOf('@');
    if (at >= 0) {
      text = text.substring(at + 1);
    }
    String host = text;
    int port = scheme.equals("https") ? 443 : 80;
    int colon = text.lastIndexOf(':');
    if (colon > 0 && text.indexOf(']') < colon) {
      host = text.substring(0, colon);
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new InvalidProxyException("bad port in proxy '" + entry + "'");
      }
      if (port <= 0 || port > 65535) {
        throw new InvalidProxyException("bad port in proxy '" + entry + "'");
      }
    }
    if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-\\[\\]:_]+")) {
      throw new InvalidProxyException("bad proxy host in '" + entry + "'");
    }
    return new Proxy(scheme, host, port);
  }

  private static boolean bypassedByBitsList(String host, String bypassList) {
    if (bypassList == null || bypassList.isBlank()) {
      return false;
    }
    for (String entry : bypassList.trim().split("[\\s;]+")) {
      String e = entry.toLowerCase(Locale.ROOT);
      if (e.equals("<local>")) {
        if (!host.contains(".")) {
          return true;
        }
      } else if (matchesWildcard(host, e)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesWildcard(String host, String pattern) {
    String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q");
    return host.matches(regex);
  }
}
