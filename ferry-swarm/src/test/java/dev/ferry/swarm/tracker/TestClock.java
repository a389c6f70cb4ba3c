package dev.ferry.swarm.tracker;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test advances it, and then tells whoever waits on it. */
final class TestClock implements Clock {
  private final AtomicLong nanos = new AtomicLong();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

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

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
    listeners.forEach(Runnable::run);
  }
}
