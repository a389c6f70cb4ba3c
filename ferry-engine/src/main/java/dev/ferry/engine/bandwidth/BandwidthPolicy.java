package dev.ferry.engine.bandwidth;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How much bandwidth transfers may use (bytes per second; {@link TokenBucket#UNLIMITED} for no
 * cap): a cap for everything, one for FOREGROUND jobs, one for background (HIGH/NORMAL/LOW) jobs,
 * the smaller share background jobs fall to while a foreground job transfers, and time windows that
 * replace the background cap (like BITS's MaxInternetBandwidth and DO's business hours). A window's
 * cap of 0 blocks background jobs: they wait in TRANSIENT_ERROR with BG_E_BLOCKED_BY_POLICY until
 * the window ends.
 */
public record BandwidthPolicy(
    long global,
    long foreground,
    long background,
    long backgroundWhileForeground,
    List<Window> windows) {

  /** A weekly time window; {@code to} before {@code from} wraps past midnight. */
  public record Window(Set<DayOfWeek> days, LocalTime from, LocalTime to, long background) {
    public Window {
      days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
      if (background < 0) {
        throw new IllegalArgumentException("a window's background cap must be 0 or more");
      }
    }

    boolean contains(LocalDateTime at) {
      LocalTime time = at.toLocalTime();
      if (from.isBefore(to) || from.equals(to)) {
        return days.contains(at.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
      }
      // Wraps past midnight: the part after midnight belongs to the day the window started.
      return time.isBefore(to)
          ? days.contains(at.getDayOfWeek().minus(1))
          : days.contains(at.getDayOfWeek()) && !time.isBefore(from);
    }

    /** When this window, holding at {@code at}, ends. */
    LocalDateTime endAfter(LocalDateTime at) {
      LocalDateTime end = at.toLocalDate().atTime(to);
      return end.isAfter(at) ? end : end.plusDays(1);
    }
  }

  /** The default: background jobs drop to 256 KiB/s while a foreground job transfers. */
  public static final BandwidthPolicy DEFAULT =
      new BandwidthPolicy(
          TokenBucket.UNLIMITED,
          TokenBucket.UNLIMITED,
          TokenBucket.UNLIMITED,
          256 * 1024,
          List.of());

  public BandwidthPolicy {
    for (long cap : new long[] {global, foreground, background, backgroundWhileForeground}) {
      if (cap <= 0) {
        throw new IllegalArgumentException("caps are positive (use a window with cap 0 to block)");
      }
    }
    windows = List.copyOf(windows);
  }

  /** The window in force at {@code at}, if any (the first one listed wins). */
  public Optional<Window> windowAt(LocalDateTime at) {
    return windows.stream().filter(w -> w.contains(at)).findFirst();
  }

  /** The background cap at {@code at}: a window's, else the standing one; 0 means blocked. */
  public long backgroundAt(LocalDateTime at, boolean foregroundActive) {
    long cap = windowAt(at).map(Window::background).orElse(background);
    return foregroundActive && cap > 0 ? Math.min(cap, backgroundWhileForeground) : cap;
  }

  /** When the window in force at {@code at} ends, if one is. */
  public Optional<LocalDateTime> windowEnd(LocalDateTime at) {
    return windowAt(at).map(w -> w.endAfter(at));
  }

  public BandwidthPolicy withGlobal(long cap) {
    return new BandwidthPolicy(cap, foreground, background, backgroundWhileForeground, windows);
  }

  public BandwidthPolicy withForeground(long cap) {
    return new BandwidthPolicy(global, cap, background, backgroundWhileForeground, windows);
  }

  public BandwidthPolicy withBackground(long cap) {
    return new BandwidthPolicy(global, foreground, cap, backgroundWhileForeground, windows);
  }

  public BandwidthPolicy withBackgroundWhileForeground(long cap) {
    return new BandwidthPolicy(global, foreground, background, cap, windows);
  }

  public BandwidthPolicy withWindows(List<Window> newWindows) {
    return new BandwidthPolicy(
        global, foreground, background, backgroundWhileForeground, newWindows);
  }
}
