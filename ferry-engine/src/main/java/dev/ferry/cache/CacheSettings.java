package dev.ferry.cache;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Which cache hosts to ask before the origin, and how long their failures hold the origin off: DO's
 * DOCacheHost and DODelayCacheServerFallbackForeground / ...Background.
 *
 * @param hosts the cache hosts, tried in order (host, IPv4 or IPv6 address, optional port); empty:
 *     no cache
 * @param foregroundDelay for FOREGROUND jobs: how long after the first failure of the cache hosts
 *     the origin may be asked instead; {@link #UNSET} falls back at the first failure, {@link
 *     #NEVER} never falls back
 * @param backgroundDelay the same for every other job
 * @param discovery whether DHCP option 235 names cache hosts (DO's DOCacheHostSource), which {@link
 *     #discovered} applies
 */
public record CacheSettings(
    List<String> hosts, Duration foregroundDelay, Duration backgroundDelay, Discovery discovery) {

  /** DO's DOCacheHostSource. */
  public enum Discovery {
    /** 0: the cache hosts are the configured ones. */
    NONE,
    /** 1: DHCP option 235 names the cache hosts where none is configured. */
    DHCP,
    /** 2: DHCP option 235, where the lease carries it, wins over the configured hosts. */
    DHCP_FORCE
  }

  public CacheSettings(List<String> hosts, Duration foregroundDelay, Duration backgroundDelay) {
    this(hosts, foregroundDelay, backgroundDelay, Discovery.NONE);
  }

  /** No delay set: the first failure goes to the origin at once. */
  public static final Duration UNSET = Duration.ZERO;

  /** DO's -1: the origin is never asked in the cache's place. */
  public static final Duration NEVER = Duration.ofSeconds(Long.MAX_VALUE);

  /** No cache host. */
  public static final CacheSettings NONE = new CacheSettings(List.of(), UNSET, UNSET);

  public CacheSettings {
    hosts = List.copyOf(hosts);
    for (String host : hosts) {
      CacheUrl.authority(host);
    }
    Objects.requireNonNull(foregroundDelay, "foregroundDelay");
    Objects.requireNonNull(backgroundDelay, "backgroundDelay");
    discovery = discovery == null ? Discovery.NONE : discovery;
    if (foregroundDelay.isNegative() || backgroundDelay.isNegative()) {
      throw new IllegalArgumentException("a fallback delay is not negative; NEVER is DO's -1");
    }
  }

  /** Whether any cache host is set. */
  public boolean enabled() {
    return !hosts.isEmpty();
  }

  /** The delay that applies to a job in the foreground or not. */
  public Duration delay(boolean foreground) {
    return foreground ? foregroundDelay : backgroundDelay;
  }

  /** These settings with {@code newHosts} instead of the hosts. */
  public CacheSettings withHosts(List<String> newHosts) {
    return new CacheSettings(newHosts, foregroundDelay, backgroundDelay, discovery);
  }

  /** These settings with the two delays in DO's seconds (null: unset, -1: never). */
  public CacheSettings withDelays(Long foregroundSeconds, Long backgroundSeconds) {
    return new CacheSettings(
        hosts, delayOf(foregroundSeconds), delayOf(backgroundSeconds), discovery);
  }

  /** These settings with {@code newDiscovery}. */
  public CacheSettings withDiscovery(Discovery newDiscovery) {
    return new CacheSettings(hosts, foregroundDelay, backgroundDelay, newDiscovery);
  }

  /**
   * The settings in force once DHCP was asked as {@link #discovery} says: {@code dhcp} gives the
   * hosts the machine's lease names (empty: none), and is asked only when it may matter.
   */
  public CacheSettings discovered(java.util.function.Supplier<List<String>> dhcp) {
    if (discovery == Discovery.NONE || (discovery == Discovery.DHCP && enabled())) {
      return this;
    }
    List<String> offered = dhcp.get();
    return offered.isEmpty() ? this : withHosts(offered);
  }

  /**
   * What applies to a file of a job that says {@code hints}: the job's hosts in place of these, and
   * the job's delay in place of both of these.
   */
  public CacheSettings forJob(CacheHints hints) {
    if (hints.hosts().isEmpty() && hints.fallbackDelaySeconds() == null) {
      return this;
    }
    List<String> chosen = hints.hosts().isEmpty() ? hosts : hints.hosts();
    if (hints.fallbackDelaySeconds() == null) {
      return new CacheSettings(chosen, foregroundDelay, backgroundDelay);
    }
    Duration delay =
        hints.fallbackDelaySeconds() == 0
            ? UNSET
            : delayOf(hints.fallbackDelaySeconds().longValue());
    return new CacheSettings(chosen, delay, delay);
  }

  /** A fallback delay in DO's seconds: null unset, -1 never, else that many seconds. */
  public static Long secondsOf(Duration delay) {
    if (delay.equals(UNSET)) {
      return null;
    }
    return delay.equals(NEVER) ? -1L : delay.toSeconds();
  }

  /**
   * A fallback delay in DO's seconds: null or 0 unset, -1 never, else that many seconds.
   *
   * @throws FerryException E_INVALIDARG below -1
   */
  public static Duration delayOf(Long seconds) {
    if (seconds == null || seconds == 0) {
      return UNSET;
    }
    if (seconds == -1) {
      return NEVER;
    }
    if (seconds < -1) {
      throw new FerryException(
          HResult.E_INVALIDARG, "a cache fallback delay is -1 or a number of seconds: " + seconds);
    }
    return Duration.ofSeconds(seconds);
  }
}
