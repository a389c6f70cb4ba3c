package dev.ferry.swarm.source;

import dev.ferry.swarm.torrent.InfoHash;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * BitTorrent v2 magnet links, {@code magnet:?xt=urn:btmh:1220<64 hex digits>&dn=NAME} (BEP 9 with
 * BEP 52's multihash of the SHA-256 info-hash): the URL of a file that only peers serve.
 */
public final class Magnet {
  /** The multihash prefix of a SHA-256 digest: function 0x12, 32 bytes. */
  private static final String PREFIX = "urn:btmh:1220";

  private Magnet() {}

  /** The v2 info-hash a magnet link names, or empty when {@code uri} is not one. */
  public static Optional<InfoHash> infoHash(URI uri) {
    if (uri == null || !"magnet".equalsIgnoreCase(uri.getScheme())) {
      return Optional.empty();
    }
    String query = uri.getRawSchemeSpecificPart();
    if (query == null || !query.startsWith("?")) {
      return Optional.empty();
    }
    for (String pair : query.substring(1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq < 0 || !pair.substring(0, eq).equalsIgnoreCase("xt")) {
        continue;
      }
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (value.toLowerCase(Locale.ROOT).startsWith(PREFIX)
          && value.length() == PREFIX.length() + 64) {
        try {
          return Optional.of(InfoHash.parse(value.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** The magnet link of {@code hash}, with {@code name} as its display name when not null. */
  public static URI of(InfoHash hash, String name) {
    String link = "magnet:?xt=" + PREFIX + hash.hex();
    if (name != null && !name.isEmpty()) {
      link += "&dn=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }
    return URI.create(link);
  }
}
