package dev.ferry.cache;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.spi.FileRef;
import java.util.List;

/**
 * What a job says about the cache servers its files are asked from, read off the job properties its
 * files carry (Ferry's CACHE_HOSTS and CACHE_FALLBACK_DELAY, which a DO download's properties of
 * the same numbers set), for use in place of the machine's settings.
 *
 * @param hosts the job's cache hosts in order; empty: the machine's
 * @param fallbackDelaySeconds the job's fallback delay (-1 never), or null for the machine's
 */
public record CacheHints(List<String> hosts, Integer fallbackDelaySeconds) {
  /** A job that names neither. */
  public static final CacheHints NONE = new CacheHints(List.of(), null);

  public CacheHints {
    hosts = List.copyOf(hosts);
  }

  /** The hints of {@code file}'s job. */
  public static CacheHints of(FileRef file) {
    List<String> hosts =
        file.property(JobPropertyId.CACHE_HOSTS)
            .map(v -> v instanceof JobPropertyValue.Text text ? text.value() : "")
            .map(ArgumentRules::cacheHosts)
            .orElse(List.of());
    Integer delay =
        file.property(JobPropertyId.CACHE_FALLBACK_DELAY)
            .map(v -> v instanceof JobPropertyValue.Dword dword ? dword.value() : null)
            .orElse(null);
    return hosts.isEmpty() && delay == null ? NONE : new CacheHints(hosts, delay);
  }
}
