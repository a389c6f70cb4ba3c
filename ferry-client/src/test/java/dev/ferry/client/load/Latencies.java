package dev.ferry.client.load;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every call's latency, per operation, kept whole (a minute of calls fits) for exact percentiles.
 */
final class Latencies {
  private final Map<String, Samples> samples = new ConcurrentHashMap<>();

  <T> T time(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      return call.get();
    } finally {
      record(operation, System.nanoTime() - start);
    }
  }

  void time(String operation, Runnable call) {
    time(
        operation,
        () -> {
          call.run();
          return null;
        });
  }

  void record(String operation, long nanos) {
    samples.computeIfAbsent(operation, k -> new Samples()).add(nanos);
  }

  long count() {
    return samples.values().stream().mapToLong(Samples::size).sum();
  }

  /** One line per operation, each starting with {@code prefix}: calls, p50, p99, max in ms. */
  String table(String prefix, String title) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%s %-22s %8s %9s %9s %9s%n", prefix, title, "calls", "p50 ms", "p99 ms", "max ms"));
    new TreeMap<>(samples)
        .forEach((operation, s) -> {
          long[] sorted = s.sorted();
          out.append(
              String.format(
                  "%s %-22s %8d %9.2f %9.2f %9.2f%n",
                  prefix,
                  operation,
                  sorted.length,
                  percentile(sorted, 0.50) / 1e6,
                  percentile(sorted, 0.99) / 1e6,
                  sorted[sorted.length - 1] / 1e6));
        });
    return out.toString();
  }

  /** Nearest rank. */
  private static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static final class Samples {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    synchronized int size() {
      return size;
    }

    synchronized long[] sorted() {
      long[] copy = Arrays.copyOf(values, size);
      Arrays.sort(copy);
      return copy;
    }
  }
}
