package dev.ferry.api;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The argument rules every implementation of {@link BackgroundCopyJob} and {@link
 * BackgroundCopyFile} applies before it does anything else, each failing with the HRESULT named
 * here. The embedded engine and the daemon's client both apply them, so a bad argument fails the
 * same way, with the same text, through either: ferry-client's contract suites run the same
 * assertions against both. What depends on the job's state, the engine's configuration or the
 * machine (URLs, local paths, how many ranges, the syntax of headers) the engine checks itself.
 */
public final class ArgumentRules {
  /** The longest proxy list, and the longest bypass list, in characters. */
  public static final int MAX_PROXY_LIST = 4000;

  /** The longest block of custom headers, in characters. */
  public static final int MAX_CUSTOM_HEADERS = 16 * 1024;

  /** The longest retry delay or no-progress timeout, in seconds: what 32 bits hold. */
  public static final long MAX_SECONDS = 0xFFFFFFFFL;

  private ArgumentRules() {}

  /** AddFileSet: the list is required ({@code E_INVALIDARG}). */
  public static List<FileInfo> fileSet(List<FileInfo> files) {
    if (files == null) {
      throw new FerryException(HResult.E_INVALIDARG, "no files given");
    }
    return files;
  }

  /**
   * AddFileWithRanges: at least one range ({@code E_INVALIDARG}); an empty list would otherwise
   * read as the whole file.
   */
  public static List<FileRange> ranges(List<FileRange> ranges) {
    if (ranges == null || ranges.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "at least one range is required");
    }
    return ranges;
  }

  /**
   * SetNotifyFlags: a set is required, the empty set meaning none ({@code E_INVALIDARG}).
   *
   * @return the flags as BITS's bit mask
   */
  public static int notifyFlags(Set<NotifyFlag> flags) {
    if (flags == null) {
      throw new FerryException(
          HResult.E_INVALIDARG, "notify flags are required (an empty set means none)");
    }
    return NotifyFlag.toMask(flags);
  }

  /**
   * SetMinimumRetryDelay and SetNoProgressTimeout: a duration of zero or more ({@code
   * E_INVALIDARG}) whose whole seconds, rounded up, fit in 32 bits ({@code E_INVALIDARG}); {@code
   * what} names it in the message.
   *
   * @return the whole seconds, rounded up, as BITS stores them
   */
  public static long seconds(Duration duration, String what) {
    if (duration == null || duration.isNegative()) {
      throw new FerryException(HResult.E_INVALIDARG, "the " + what + " must be zero or more");
    }
    long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
    if (seconds > MAX_SECONDS) {
      throw new FerryException(
          HResult.E_INVALIDARG, "the " + what + " does not fit in 32 bits of seconds");
    }
    return seconds;
  }

  /**
   * SetProxySettings: settings are required ({@code E_INVALIDARG}); lists only with {@link
   * ProxyUsage#OVERRIDE}, which needs a proxy list that is not blank ({@code E_INVALIDARG}); each
   * list at most {@link #MAX_PROXY_LIST} characters ({@code BG_E_PROXY_LIST_TOO_LARGE}, {@code
   * BG_E_PROXY_BYPASS_LIST_TOO_LARGE}).
   */
  public static ProxySettings proxySettings(ProxySettings settings) {
    if (settings == null) {
      throw new FerryException(HResult.E_INVALIDARG, "proxy settings are required");
    }
    boolean override = settings.usage() == ProxyUsage.OVERRIDE;
    if (!override && (settings.proxyList() != null || settings.bypassList() != null)) {
      throw new FerryException(HResult.E_INVALIDARG, "proxy lists may be given only with OVERRIDE");
    }
    if (override && (settings.proxyList() == null || settings.proxyList().isBlank())) {
      throw new FerryException(HResult.E_INVALIDARG, "OVERRIDE needs a proxy list");
    }
    if (settings.proxyList() != null && settings.proxyList().length() > MAX_PROXY_LIST) {
      throw new FerryException(
          HResult.BG_E_PROXY_LIST_TOO_LARGE,
          "the proxy list is longer than " + MAX_PROXY_LIST + " characters");
    }
    if (settings.bypassList() != null && settings.bypassList().length() > MAX_PROXY_LIST) {
      throw new FerryException(
          HResult.BG_E_PROXY_BYPASS_LIST_TOO_LARGE,
          "the bypass list is longer than " + MAX_PROXY_LIST + " characters");
    }
    return settings;
  }

  /**
   * SetCustomHeaders: at most {@link #MAX_CUSTOM_HEADERS} characters ({@code
   * BG_E_STRING_TOO_LONG}); null clears them.
   */
  public static String customHeaders(String headers) {
    if (headers != null && headers.length() > MAX_CUSTOM_HEADERS) {
      throw new FerryException(
          HResult.BG_E_STRING_TOO_LONG,
          "custom headers are limited to " + MAX_CUSTOM_HEADERS + " characters");
    }
    return headers;
  }

  /**
   * A list of cache hosts in DO's DOCacheHost form (the job property CACHE_HOSTS, a DO download's,
   * the machine's): host names or addresses, each with an optional port (an IPv6 address with one
   * in brackets), separated by commas; blanks are dropped, null is none.
   *
   * @throws FerryException E_INVALIDARG for an entry that is not a host
   */
  public static List<String> cacheHosts(String list) {
    List<String> hosts = new java.util.ArrayList<>();
    if (list == null) {
      return hosts;
    }
    for (String entry : list.split(",")) {
      String host = entry.trim();
      if (host.isEmpty()) {
        continue;
      }
      if (host.contains("/")
          || host.contains("@")
          || host.contains("?")
          || host.contains("#")
          || host.chars().anyMatch(Character::isWhitespace)) {
        throw new FerryException(HResult.E_INVALIDARG, "not a cache host: '" + host + "'");
      }
      hosts.add(host);
    }
    return hosts;
  }

  /** The longest content description (base64 of a torrent) a job takes. */
  public static final int MAX_CONTENT_DESCRIPTION = 1024 * 1024;

  /**
   * A content description (the job property CONTENT_DESCRIPTION): base64 of a torrent's bytes, at
   * most {@link #MAX_CONTENT_DESCRIPTION} characters; null or "" is none. Only its form is checked
   * here; the part that shares content with peers reads the torrent.
   *
   * @throws FerryException E_INVALIDARG when it is not base64, BG_E_STRING_TOO_LONG when too long
   */
  public static String contentDescription(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    if (text.length() > MAX_CONTENT_DESCRIPTION) {
      throw new FerryException(
          HResult.BG_E_STRING_TOO_LONG,
          "a content description is limited to " + MAX_CONTENT_DESCRIPTION + " characters");
    }
    try {
      java.util.Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new FerryException(
          HResult.E_INVALIDARG, "a content description is a torrent in base64: " + e.getMessage());
    }
    return text;
  }

  /**
   * A list of peers (the job property PEERS, a DO download's): HOST:PORT entries (an IPv6 address
   * in brackets) separated by commas; blanks are dropped, null is none.
   *
   * @throws FerryException E_INVALIDARG for an entry that is not HOST:PORT with a port from 1 to
   *     65535
   */
  public static List<String> peers(String list) {
    List<String> peers = new java.util.ArrayList<>();
    if (list == null) {
      return peers;
    }
    for (String entry : list.split(",")) {
      String peer = entry.trim();
      if (peer.isEmpty()) {
        continue;
      }
      int colon = peer.lastIndexOf(':');
      boolean valid = colon > 0 && colon < peer.length() - 1;
      if (valid) {
        String host = peer.substring(0, colon);
        valid =
            !host.contains("/")
                && !host.contains("@")
                && host.chars().noneMatch(Character::isWhitespace)
                && (!host.contains(":") || (host.startsWith("[") && host.endsWith("]")));
        try {
          int port = Integer.parseInt(peer.substring(colon + 1));
          valid &= port >= 1 && port <= 65535;
        } catch (NumberFormatException e) {
          valid = false;
        }
      }
      if (!valid) {
        throw new FerryException(
            HResult.E_INVALIDARG, "not a peer: '" + peer + "' (HOST:PORT, [IPv6]:PORT)");
      }
      peers.add(peer);
    }
    return peers;
  }

  /**
   * A Group ID (the job property GROUP_ID, a DO download's, the machine's DOGroupID): a GUID, with
   * or without braces.
   *
   * @throws FerryException E_INVALIDARG when it is not one
   */
  public static java.util.UUID groupId(String text) {
    String guid = text == null ? "" : text.strip();
    if (guid.startsWith("{") && guid.endsWith("}")) {
      guid = guid.substring(1, guid.length() - 1);
    }
    // UUID.fromString takes shorter forms too ("1-2-3-4-5"); DO's Group ID is a GUID in full.
    if (guid.length() == 36) {
      try {
        return java.util.UUID.fromString(guid);
      } catch (IllegalArgumentException e) {
        // said below
      }
    }
    throw new FerryException(
        HResult.E_INVALIDARG, "'" + text + "' is not a GUID (8-4-4-4-12 hex digits)");
  }

  /**
   * A tracker's announce URL (an entry of the job property TRACKERS, the machine's trackers): http,
   * https or udp, with a host, and for udp a port.
   *
   * @throws FerryException E_INVALIDARG when it is not one
   */
  public static java.net.URI tracker(String text) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(text == null ? "" : text.strip());
    } catch (java.net.URISyntaxException e) {
      throw new FerryException(
          HResult.E_INVALIDARG, "'" + text + "' is not a URL: " + e.getReason());
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!List.of("http", "https", "udp").contains(scheme) || uri.getHost() == null) {
      throw new FerryException(
          HResult.E_INVALIDARG,
          "'" + text + "' is not a tracker's announce URL (http://, https:// or udp://HOST:PORT)");
    }
    if (scheme.equals("udp") && uri.getPort() < 1) {
      throw new FerryException(
          HResult.E_INVALIDARG, "'" + text + "': a UDP tracker's URL needs its port");
    }
    return uri;
  }

  /**
   * A list of trackers (the job property TRACKERS, a DO download's): announce URLs ({@link
   * #tracker}) separated by commas; blanks are dropped, null is none.
   *
   * @throws FerryException E_INVALIDARG for an entry that is not a tracker's URL
   */
  public static List<java.net.URI> trackers(String list) {
    List<java.net.URI> trackers = new java.util.ArrayList<>();
    if (list == null) {
      return trackers;
    }
    for (String entry : list.split(",")) {
      if (!entry.isBlank()) {
        trackers.add(tracker(entry));
      }
    }
    return trackers;
  }

  /** A job's GetProperty and SetProperty: an id is required ({@code BG_E_UNKNOWN_PROPERTY_ID}). */
  public static JobPropertyId propertyId(JobPropertyId id) {
    requireId(id);
    return id;
  }

  /** A job's SetProperty: a value is required ({@code E_INVALIDARG}). */
  public static JobPropertyValue propertyValue(JobPropertyValue value) {
    if (value == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a property value is required");
    }
    return value;
  }

  /** A file's GetProperty: an id is required ({@code BG_E_UNKNOWN_PROPERTY_ID}). */
  public static FilePropertyId propertyId(FilePropertyId id) {
    requireId(id);
    return id;
  }

  /**
   * A file's SetProperty, which always fails: an id is required ({@code BG_E_UNKNOWN_PROPERTY_ID}),
   * and every file property is read-only ({@code BG_E_READ_ONLY_PROPERTY}).
   */
  public static void setFileProperty(FilePropertyId id) {
    requireId(id);
    throw new FerryException(HResult.BG_E_READ_ONLY_PROPERTY, id + " is read-only");
  }

  private static void requireId(Object id) {
    if (id == null) {
      throw new FerryException(HResult.BG_E_UNKNOWN_PROPERTY_ID, "a property id is required");
    }
  }
}
