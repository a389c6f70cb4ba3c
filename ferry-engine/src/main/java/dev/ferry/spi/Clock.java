package dev.ferry.spi;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The engine's time: the wall clock for what is recorded (creation and modification times, when a
 * retry is due) and for the bandwidth policy's weekly windows, and a monotonic clock for intervals.
 * Every decision the engine takes from the time reads it here, never from {@link System}, so tests
 * drive retry delays, time windows and timeouts with a clock of their own instead of waiting. (A
 * thread that waits with a timeout still waits in real time, and reads this clock when it wakes.)
 */
public interface Clock {
  /** Milliseconds since the epoch, as {@link System#currentTimeMillis()}. */
  long millis();

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}: only differences count. */
  long nanoTime();

  /** The zone the bandwidth policy's windows are read in. */
  ZoneId zone();

  /** The wall clock's date and time in {@link #zone()}. */
  default LocalDateTime dateTime() {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis()), zone());
  }

  /**
   * Registers work to run whenever this clock jumps ahead by itself (a test's clock being
   * advanced), so that whatever waits for a time re-reads it at once. The system clock never jumps;
   * it ignores this.
   */
  default void onAdvance(Runnable listener) {}

  /** The system's clocks and zone. */
  Clock SYSTEM =
      new Clock() {
        @Override
        public long millis() {
          return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public ZoneId zone() {
          return ZoneId.systemDefault();
        }

        @Override
        public String toString() {
          return "Clock.SYSTEM";
        }
      };
}
