package dev.ferry.swarm;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock the swarm's tests move by hand: waiting on it is instant, and whatever waits on {@link
 * Clock#onAdvance} is woken when the test advances it.
 */
public final class FakeClock implements Clock {
  private final AtomicLong nanos;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** A clock at the epoch. */
  public FakeClock() {
    this(Instant.EPOCH);
  }

  /** A clock whose wall time starts at {@code start}. */
  public FakeClock(Instant start) {
    this.nanos = new AtomicLong(start.toEpochMilli() * 1_000_000);
  }

  @Override
  public long millis() {
    return nanos.get() / 1_000_000;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public ZoneId zone() {
    return ZoneOffset.UTC;
  }

  @Override
  public void onAdvance(Runnable listener) {
    listeners.add(listener);
  }

  /** The wall time now. */
  public Instant now() {
    return Instant.ofEpochMilli(millis());
  }

  /** Moves the clock on, and wakes what waits on it. */
  public void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
    listeners.forEach(Runnable::run);
  }
}
