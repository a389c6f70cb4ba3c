package dev.ferry.engine.bandwidth;

import dev.ferry.spi.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket whose rate may change at any time (policy windows, a foreground job starting).
 * Callers take what they read and then sleep off any debt, so the long-run rate is the cap and
 * bursts are bounded by half a second of tokens.
 */
public final class TokenBucket {
  /** No cap. */
  public static final long UNLIMITED = Long.MAX_VALUE;

  private final LongSupplier bytesPerSecond;
  private final Clock clock;
  private double tokens;
  private long lastNanos;

  public TokenBucket(LongSupplier bytesPerSecond, Clock clock) {
    this.bytesPerSecond = bytesPerSecond;
    this.clock = clock;
    this.lastNanos = clock.nanoTime();
  }

  /** The current cap, {@link #UNLIMITED} for none. */
  public long rate() {
    return bytesPerSecond.getAsLong();
  }

  /** Accounts for {@code bytes} just transferred; returns how long the caller must pause. */
  public synchronized long debtNanos(long bytes) {
    long rate = rate();
    long now = clock.nanoTime();
    if (rate == UNLIMITED) {
      lastNanos = now;
      tokens = 0;
      return 0;
    }
    if (rate <= 0) {
      // Blocked: hold the caller until the scheduler stops it or the cap comes back.
      lastNanos = now;
      return 100_000_000L;
    }
    double burst = rate / 2.0;
    tokens = Math.min(burst, tokens + (now - lastNanos) * (rate / 1e9));
    lastNanos = now;
    tokens -= bytes;
    return tokens >= 0 ? 0 : (long) (-tokens / rate * 1e9);
  }

  /** Sleeps as long as {@link #debtNanos} says. */
  public void take(long bytes) throws InterruptedException {
    long wait = debtNanos(bytes);
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
