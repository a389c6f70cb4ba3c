package dev.ferry.swarm.session;

import dev.ferry.spi.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The swarm's one upload cap: a token bucket on the settings' clock, which every connection's
 * writer asks before it sends a block. Its rate is the configured cap's, or the pace {@link
 * UploadPacing} sets where that is lower. Tokens are taken before the bytes go, never owed, so over
 * any span of the clock what was granted stays within a burst plus the rate times the span. The
 * burst is a quarter second of the rate, and never less than a block, so that a block can always
 * go.
 */
final class UploadLimiter {
  /** How long a waiter sleeps before it reads the clock again, if nothing wakes it sooner. */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final long cap;
  private long rate;
  private double burst;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private double tokens;
  private long last;
  private long granted;

  UploadLimiter(long bytesPerSecond, Clock clock) {
    this.cap = bytesPerSecond;
    this.rate = bytesPerSecond;
    this.burst = burstOf(bytesPerSecond);
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.nanoTime();
    // A test's clock jumps: waiters read it again at once instead of at their next recheck.
    clock.onAdvance(() -> {
      lock.lock();
      try {
        advanced.signalAll();
      } finally {
        lock.unlock();
      }
    });
  }

  private static double burstOf(long rate) {
    return Math.max(16 * 1024, rate / 4.0);
  }

  /**
   * Paces uploads at {@code bytesPerSecond} where that is below the configured cap; 0 for no pace
   * (the cap alone).
   */
  void pace(long bytesPerSecond) {
    lock.lock();
    try {
      long next =
          bytesPerSecond <= 0 ? cap : cap == 0 ? bytesPerSecond : Math.min(cap, bytesPerSecond);
      if (next != rate) {
        rate = next;
        burst = burstOf(next);
        tokens = Math.min(tokens, burst);
        advanced.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Blocks until {@code bytes} may be sent (at most a block). */
  void acquire(int bytes) throws InterruptedException {
    lock.lock();
    try {
      if (rate == 0) {
        granted += bytes;
        return;
      }
      while (true) {
        long now = clock.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * (rate / 1e9));
        last = now;
        if (tokens >= bytes) {
          tokens -= bytes;
          granted += bytes;
          return;
        }
        long needed = (long) ((bytes - tokens) / rate * 1e9);
        advanced.awaitNanos(Math.max(1, Math.min(needed, RECHECK_NANOS)));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Bytes granted since the start. */
  long granted() {
    lock.lock();
    try {
      return granted;
    } finally {
      lock.unlock();
    }
  }

  /** The most that may be granted at once, beyond the rate. */
  long burst() {
    lock.lock();
    try {
      return (long) burst;
    } finally {
      lock.unlock();
    }
  }

  long rate() {
    lock.lock();
    try {
      return rate;
    } finally {
      lock.unlock();
    }
  }
}
