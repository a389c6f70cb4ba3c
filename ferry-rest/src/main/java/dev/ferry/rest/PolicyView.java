package dev.ferry.rest;

import java.util.List;

/**
 * GET / PUT {@link Routes#POLICY}: the bandwidth policy, caps in bytes per second with -1 for "no
 * cap". A window replaces the background cap on its days between {@code from} and {@code to}
 * ({@code HH:MM}, wrapping past midnight when {@code to} is earlier); its cap of 0 blocks
 * background jobs (BG_E_BLOCKED_BY_POLICY). Days are MONDAY…SUNDAY; none means every day.
 */
public record PolicyView(
    long global,
    long foreground,
    long background,
    long backgroundWhileForeground,
    List<Window> windows) {

  public record Window(List<String> days, String from, String to, long background) {}
}
