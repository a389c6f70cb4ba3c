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
   */
  public record Cache(List<String> hosts, Long fallbackForeground, Long fallbackBackground) {}
}
