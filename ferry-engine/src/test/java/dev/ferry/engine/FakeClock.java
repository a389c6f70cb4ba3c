package dev.ferry.engine;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test advances it; both readings move together. */
public final class FakeClock implements Clock {
  private final AtomicLong nanos = new AtomicLong();
  private final long startMillis;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public FakeClock(Instant start) {
    this.startMillis = start.toEpochMilli();
  }

  @Override
  public long millis() {
    return startMillis + nanos.get() / 1_000_000;
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

  /** Moves both readings ahead, then tells whatever waits for a time. */
  public void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
    listeners.forEach(Runnable::run);
  }
}
