package dev.ferry.rest;

import java.util.List;

/**
 * GET / PUT {@link Routes#POLICY}: the bandwidth policy, caps in bytes per second with -1 for "no
 * cap". A window replaces the background cap on its days between {@code from} and {@code to}
 * ({@code HH:MM}, wrapping past midnight when {@code to} is earlier); its cap of 0 blocks
 * background jobs (BG_E_BLOCKED_BY_POLICY). Days are MONDAY…SUNDAY; none means every day.
 *
 * @param cache the machine's cache hosts and fallback delays; in a PUT, null leaves them as they
 *     are
 */
public record PolicyView(
    long global,
    long foreground,
    long background,
    long backgroundWhileForeground,
    List<Window> windows,
    Cache cache) {

  /** The bandwidth policy alone: a PUT of it leaves the cache hosts as they are. */
  public PolicyView(
      long global,
      long foreground,
      long background,
      long backgroundWhileForeground,
      List<Window> windows) {
    this(global, foreground, background, backgroundWhileForeground, windows, null);
  }

  public record Window(List<String> days, String from, String to, long background) {}

  /**
   * DO's DOCacheHost and DODelayCacheServerFallbackForeground / ...Background.
   *
   * @param hosts the cache hosts, tried in order (host name or address, optional port); empty for
   *     none
   * @param fallbackForeground seconds failing cache hosts keep a FOREGROUND job from its origin:
   *     null (unset) falls back at the first failure, -1 never
   * @param fallbackBackground the same for every other job
   * @param bans the cache hosts left out now (only shown; a PUT ignores them)
   */
  public record Cache(
      List<String> hosts, Long fallbackForeground, Long fallbackBackground, List<Ban> bans) {
    public Cache {
      bans = bans == null ? List.of() : List.copyOf(bans);
    }

    public Cache(List<String> hosts, Long fallbackForeground, Long fallbackBackground) {
      this(hosts, fallbackForeground, fallbackBackground, List.of());
    }
  }

  /**
   * A cache host left out after it failed, as DO's Linux agent bans one for 15 minutes.
   *
   * @param originHost the origin host it is left out for (it answered 4xx for it), or null for
   *     every origin (it did not answer)
   * @param until when it is asked again, ISO-8601
   */
  public record Ban(String cacheHost, String originHost, String until, String reason) {}
}
