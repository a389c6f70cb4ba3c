package dev.ferry.swarm.cache;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A wall clock that moves only when a test advances it. */
final class FakeClock implements Clock {
  private final AtomicLong nanos;

  FakeClock(Instant start) {
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

  Instant now() {
    return Instant.ofEpochMilli(millis());
  }

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }
}
