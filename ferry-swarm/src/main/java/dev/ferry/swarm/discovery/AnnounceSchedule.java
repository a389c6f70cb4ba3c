package dev.ferry.swarm.discovery;

import dev.ferry.swarm.content.SwarmKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * When each key is announced: at once when it is added, then every {@code interval}, and never
 * twice within {@code minimum} (BEP 14's rate), even when a key is withdrawn and added again. Times
 * are a monotonic clock's nanoseconds; nothing here waits or reads a clock.
 */
final class AnnounceSchedule {
  private final long intervalNanos;
  private final long minimumNanos;

  /** The keys announced, each with when it is next due. */
  private final Map<SwarmKey, Long> due = new HashMap<>();

  /** When each key was last sent, kept for {@code minimum} after a key is withdrawn. */
  private final Map<SwarmKey, Long> sent = new HashMap<>();

  AnnounceSchedule(long intervalNanos, long minimumNanos) {
    if (minimumNanos < 0 || intervalNanos < minimumNanos) {
      throw new IllegalArgumentException("the interval must be at least the minimum");
    }
    this.intervalNanos = intervalNanos;
    this.minimumNanos = minimumNanos;
  }

  /**
   * Starts announcing {@code key}: due now, or once {@code minimum} has passed since it last was.
   */
  synchronized void add(SwarmKey key, long now) {
    if (due.containsKey(key)) {
      return;
    }
    Long last = sent.get(key);
    due.put(key, last == null || now - last >= minimumNanos ? now : last + minimumNanos);
  }

  /** Stops announcing {@code key}. */
  synchronized void remove(SwarmKey key) {
    due.remove(key);
  }

  synchronized boolean contains(SwarmKey key) {
    return due.containsKey(key);
  }

  /** The keys due at {@code now}, which count as sent then. */
  synchronized List<SwarmKey> takeDue(long now) {
    List<SwarmKey> taken = new ArrayList<>();
    for (Map.Entry<SwarmKey, Long> entry : due.entrySet()) {
      if (now - entry.getValue() >= 0) {
        taken.add(entry.getKey());
        entry.setValue(now + intervalNanos);
        sent.put(entry.getKey(), now);
      }
    }
    // Forget what was sent long enough ago not to limit anything.
    for (Iterator<Map.Entry<SwarmKey, Long>> i = sent.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<SwarmKey, Long> entry = i.next();
      if (!due.containsKey(entry.getKey()) && now - entry.getValue() >= minimumNanos) {
        i.remove();
      }
    }
    return taken;
  }

  /** Nanoseconds from {@code now} until the next key is due: 0 if one is, MAX_VALUE if none. */
  synchronized long nanosUntilDue(long now) {
    long least = Long.MAX_VALUE;
    for (long at : due.values()) {
      least = Math.min(least, Math.max(0, at - now));
    }
    return least;
  }
}
