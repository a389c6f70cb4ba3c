package dev.ferry.daemon.dashboard;

import dev.ferry.rest.UsageView;
import java.util.ArrayList;
import java.util.List;

/**
 * The samples since the daemon started, in memory: a ring that keeps the most recent ones, so its
 * size is bounded however long the daemon runs.
 */
final class UsageHistory {
  private final UsageView.Sample[] ring;
  private int next;
  private int size;

  UsageHistory(int capacity) {
    ring = new UsageView.Sample[capacity];
  }

  synchronized void add(long time, Amounts bytes) {
    ring[next] =
        new UsageView.Sample(
            time, bytes.origin(), bytes.cache(), bytes.peer(), bytes.other(), bytes.uploaded());
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
  }

  /** The samples later than {@code after} (seconds since the epoch), oldest first. */
  synchronized List<UsageView.Sample> after(long after) {
    List<UsageView.Sample> samples = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      UsageView.Sample sample = ring[(next - size + i + ring.length) % ring.length];
      if (sample.time() > after) {
        samples.add(sample);
      }
    }
    return samples;
  }
}
