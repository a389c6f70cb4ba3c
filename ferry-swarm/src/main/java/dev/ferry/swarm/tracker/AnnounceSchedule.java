package dev.ferry.swarm.tracker;

import java.time.Duration;

/**
 * When one tracker is announced to next, and with which event: {@code started} until it has been
 * accepted once, {@code completed} once after the transfer completes (no sooner than the tracker's
 * min interval allows), the regular announce every interval, and after failures a wait that doubles
 * each time. Times are a clock's nanoTime readings. Used by one thread.
 */
final class AnnounceSchedule {
  /** Whatever a tracker says, an interval stays within a day: a hostile one must not overflow. */
  private static final long MAX_INTERVAL_NANOS = Duration.ofDays(1).toNanos();

  private final AnnouncerSettings settings;
  private boolean started;
  private boolean completedSent;
  private int failures;
  private long lastAnnounce;
  private long nextRegular;
  private long minIntervalNanos;

  AnnounceSchedule(AnnouncerSettings settings, long now) {
    this.settings = settings;
    this.nextRegular = now;
    this.lastAnnounce = now;
  }

  /** Whether the tracker accepted an announce: then it is owed a {@code stopped}. */
  boolean started() {
    return started;
  }

  AnnounceEvent nextEvent(boolean completed) {
    if (!started) {
      return AnnounceEvent.STARTED;
    }
    return completed && !completedSent ? AnnounceEvent.COMPLETED : AnnounceEvent.NONE;
  }

  /** When the next announce is due, given whether the transfer has completed. */
  long dueAt(boolean completed) {
    if (failures == 0 && nextEvent(completed) == AnnounceEvent.COMPLETED) {
      long earliest = lastAnnounce + minIntervalNanos;
      return nextRegular - earliest > 0 ? earliest : nextRegular;
    }
    return nextRegular;
  }

  /**
   * The tracker answered the announce of {@code event}; {@code completed} said whether the transfer
   * was complete when it was made (a {@code started} with nothing left needs no {@code completed}).
   */
  void succeeded(AnnounceEvent event, boolean completed, AnnounceResponse response, long now) {
    started = true;
    if (event == AnnounceEvent.COMPLETED || (event == AnnounceEvent.STARTED && completed)) {
      completedSent = true;
    }
    failures = 0;
    lastAnnounce = now;
    minIntervalNanos = clamp(response.minInterval().orElse(Duration.ZERO).toNanos());
    long interval =
        Math.max(
            clamp(response.interval().toNanos()),
            Math.max(minIntervalNanos, settings.intervalFloor().toNanos()));
    nextRegular = now + Math.min(interval, MAX_INTERVAL_NANOS);
  }

  /** The announce failed: wait {@code retryBase * 2^(failures - 1)}, at most {@code retryMax}. */
  void failed(long now) {
    failures = Math.min(failures + 1, 32);
    long base = settings.retryBase().toNanos();
    long max = settings.retryMax().toNanos();
    long wait = failures - 1 >= Long.numberOfLeadingZeros(base) - 1 ? max : base << (failures - 1);
    nextRegular = now + Math.min(wait, max);
  }

  private static long clamp(long nanos) {
    return Math.max(0, Math.min(nanos, MAX_INTERVAL_NANOS));
  }
}
