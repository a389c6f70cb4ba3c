package dev.ferry.engine.transfer;

import java.net.URI;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether DO's HTTP delay ({@link OriginHoldback.Rule}) holds one file's origin back at a given
 * time: for the rule's delay from the file transfer's start, unless the other sources' rate over
 * the last full {@link SourcePlanner#QOS_WINDOW} was below the rule's minimum (DO's minimum
 * background QoS: the origin then tops them up). Not thread-safe: its {@link SourcePlanner} calls
 * it under its lock, with its clock's time.
 */
final class OriginDelay {
  private static final Logger log = LoggerFactory.getLogger(OriginDelay.class);

  private final URI uri;
  private final OriginHoldback.Rule rule;
  private final long startNanos;

  /** The rate window's start and the others' bytes then. */
  private long windowNanos;

  private long windowBytes;

  /** Whether the last full window's rate was below the minimum. */
  private boolean toppingUp;

  OriginDelay(URI uri, OriginHoldback.Rule rule, long startNanos) {
    this.uri = uri;
    this.rule = rule;
    this.startNanos = startNanos;
    this.windowNanos = startNanos;
  }

  /** Whether the rule holds the origin back at all (whatever the time). */
  boolean applies() {
    return rule.holds();
  }

  /**
   * Whether the origin is held back at {@code nowNanos}; {@code otherBytes}: what the other sources
   * gave or took in so far, read only where a rate window ends.
   */
  boolean holds(long nowNanos, LongSupplier otherBytes) {
    if (!rule.holds() || nowNanos - startNanos - rule.delay().toNanos() >= 0) {
      return false;
    }
    if (rule.minQos() > 0 && nowNanos - windowNanos >= SourcePlanner.QOS_WINDOW.toNanos()) {
      long others = otherBytes.getAsLong();
      double rate = (others - windowBytes) * 1e9 / (nowNanos - windowNanos);
      boolean below = rate < rule.minQos();
      if (below != toppingUp) {
        log.debug(
            "{}: other sources give {} B/s, the minimum is {}: the origin {}",
            uri,
            (long) rate,
            rule.minQos(),
            below ? "tops them up" : "waits again");
      }
      toppingUp = below;
      windowNanos = nowNanos;
      windowBytes = others;
    }
    return !toppingUp;
  }
}
