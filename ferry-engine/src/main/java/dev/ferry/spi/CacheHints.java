package dev.ferry.spi;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What a job says about the cache servers its files are asked from (Ferry's job properties
 * CACHE_HOSTS and CACHE_FALLBACK_DELAY), for a source provider of cache servers to use in place of
 * the engine's settings.
 *
 * @param hosts the job's cache hosts in order; empty: the engine's
 * @param fallbackDelaySeconds the job's fallback delay (-1 never), or null for the engine's
 */
public record CacheHints(List<String> hosts, Integer fallbackDelaySeconds) {
  /** A job that names neither. */
  public static final CacheHints NONE = new CacheHints(List.of(), null);

  public CacheHints {
    hosts = List.copyOf(hosts);
  }

  /**
   * DO's DOCacheHost form: host names or addresses, each with an optional port (an IPv6 address
   * with one in brackets), separated by commas; blanks are dropped.
   *
   * @throws FerryException E_INVALIDARG for an entry that is not a host
   */
  public static List<String> parseHosts(String list) {
    List<String> hosts = new ArrayList<>();
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
}
