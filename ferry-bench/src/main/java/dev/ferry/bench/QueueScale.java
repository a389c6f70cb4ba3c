package dev.ferry.bench;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobState;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Queue scale: opens the embedded engine over a temporary data directory with the BITS job limits
 * raised, creates N suspended jobs of one file each, and reports the create rate, {@code
 * enumJobs()} latency, the heap each queued job holds, how long one small job takes through the
 * queue with and without the N jobs, and how long reopening (recovering) the queue takes.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
 *     -cp ferry-bench/target/benchmarks.jar dev.ferry.bench.QueueScale 10000 [--dir DIR] [--json FILE]
 * </pre>
 *
 * Run it with the serial collector (as {@code ./ferry} runs the engine) for exact heap figures.
 */
public final class QueueScale {
  private QueueScale() {}

  public static void main(String[] args) throws Exception {
    int n = 10_000;
    Path dir = null;
    Path json = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--json" -> json = Path.of(args[++i]);
        default -> n = Integer.parseInt(args[i]);
      }
    }
    final int count = n;
    boolean temporary = dir == null;
    if (temporary) {
      dir = Files.createTempDirectory("ferry-queue");
    }
    Path data = dir.resolve("data");
    Path out = Files.createDirectories(dir.resolve("out"));
    Path source = dir.resolve("source.bin");
    Files.write(source, new byte[1 << 20]);
    EngineConfig config = EngineConfig.defaults().withLimits(100_000, 100_000, 200, 500);

    Results r = new Results();
    r.jobs = n;
    try (BackgroundCopyManager manager = Ferry.embedded(data, config)) {
      r.throughQueueEmptyMs = throughQueue(manager, source, out, 5);
      long heapBefore = usedHeapAfterGc();

      long[] perJob = new long[n];
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        BackgroundCopyJob job = manager.createJob("queued " + i);
        job.addFile("http://127.0.0.1:9/queued/" + i + ".bin", out.resolve(i + ".bin").toString());
        perJob[i] = System.nanoTime() - t;
      }
      r.createSeconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(perJob);
      r.createMedianMs = perJob[n / 2] / 1e6;
      r.createP99Ms = perJob[Math.min(n - 1, (int) (n * 0.99))] / 1e6;

      long heapAfter = usedHeapAfterGc();
      r.heapBeforeBytes = heapBefore;
      r.heapAfterBytes = heapAfter;

      r.enumMs = median(10, () -> check(manager.enumJobs().size(), count));
      r.enumReadMs =
          median(
              10,
              () -> {
                int suspended = 0;
                for (BackgroundCopyJob job : manager.enumJobs()) {
                  if (job.state() == JobState.SUSPENDED && !job.displayName().isEmpty()) {
                    suspended++;
                  }
                }
                check(suspended, count);
              });
      r.throughQueueFullMs = throughQueue(manager, source, out, 5);
    }
    long reopen = System.nanoTime();
    try (BackgroundCopyManager manager = Ferry.embedded(data, config)) {
      r.reopenMs = (System.nanoTime() - reopen) / 1e6;
      check(manager.enumJobs().size(), n);
      r.heapAfterReopenBytes = usedHeapAfterGc();
    }
    if (temporary) {
      deleteTree(dir);
    }
    r.print(data);
    if (json != null) {
      Files.writeString(json, r.json());
    }
  }

  private static void check(int actual, int expected) {
    if (actual != expected) {
      throw new IllegalStateException("expected " + expected + " jobs, listed " + actual);
    }
  }

  /**
   * Median time of {@code reps} one-file foreground jobs (after one to warm up) from a file://
   * source, in ms.
   */
  private static double throughQueue(BackgroundCopyManager manager, Path source, Path out, int reps)
      throws Exception {
    List<Long> times = new ArrayList<>();
    for (int i = -1; i < reps; i++) { // the first one warms up and does not count
      Path target = out.resolve("through-" + (i + 1) + ".bin");
      long t = System.nanoTime();
      BackgroundCopyJob job = manager.createJob("through the queue");
      job.setPriority(dev.ferry.api.JobPriority.FOREGROUND);
      job.addFile(source.toUri().toString(), target.toString());
      job.resume();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (job.state() != JobState.TRANSFERRED) {
        if (job.state() == JobState.ERROR || System.nanoTime() > deadline) {
          throw new IllegalStateException("the probe job ended in " + job.state());
        }
        Thread.sleep(1);
      }
      job.complete();
      if (i >= 0) {
        times.add(System.nanoTime() - t);
      }
      Files.deleteIfExists(target);
    }
    times.sort(null);
    return times.get(times.size() / 2) / 1e6;
  }

  private static double median(int reps, Runnable work) {
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t = System.nanoTime();
      work.run();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
  }

  static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static final class Results {
    int jobs;
    double createSeconds;
    double createMedianMs;
    double createP99Ms;
    long heapBeforeBytes;
    long heapAfterBytes;
    long heapAfterReopenBytes;
    double enumMs;
    double enumReadMs;
    double throughQueueEmptyMs;
    double throughQueueFullMs;
    double reopenMs;

    double createRate() {
      return jobs / createSeconds;
    }

    double heapPerJob() {
      return (heapAfterBytes - heapBeforeBytes) / (double) jobs;
    }

    void print(Path data) {
      System.out.printf(
          Locale.ROOT,
          "queue: %d suspended jobs of one file each (embedded engine, limits raised; collectors %s)%n",
          jobs,
          gcNote());
      String row = "  %-48s %s%n";
      System.out.printf(
          Locale.ROOT,
          row,
          "create (createJob + addFile; on disk with the first Resume)",
          String.format(
              Locale.ROOT,
              "%.0f jobs/s  (%d in %.2f s; per job median %.2f ms, p99 %.2f ms)",
              createRate(),
              jobs,
              createSeconds,
              createMedianMs,
              createP99Ms));
      System.out.printf(
          Locale.ROOT,
          row,
          "enumJobs()",
          String.format(Locale.ROOT, "%.1f ms (median of 10)", enumMs));
      System.out.printf(
          Locale.ROOT,
          row,
          "enumJobs() + state() + displayName() of each",
          String.format(Locale.ROOT, "%.1f ms (median of 10)", enumReadMs));
      System.out.printf(
          Locale.ROOT,
          row,
          "heap per queued job",
          String.format(
              Locale.ROOT,
              "%.0f B  (used heap after GC: %.1f MB before, %.1f MB after; %.1f MB after reopening)",
              heapPerJob(),
              heapBeforeBytes / 1e6,
              heapAfterBytes / 1e6,
              heapAfterReopenBytes / 1e6));
      System.out.printf(
          Locale.ROOT,
          row,
          "one 1 MiB file:// job through the queue",
          String.format(
              Locale.ROOT,
              "%.1f ms with 0 queued, %.1f ms with %d queued (median of 5)",
              throughQueueEmptyMs,
              throughQueueFullMs,
              jobs));
      System.out.printf(
          Locale.ROOT,
          row,
          "reopen the engine (recover the queue)",
          String.format(Locale.ROOT, "%.0f ms", reopenMs));
      System.out.printf(
          Locale.ROOT,
          "  issue 5 targets: create >= 2000 jobs/s: %s; list < 100 ms: %s; heap <= 2 KB/job: %s%n",
          createRate() >= 2000 ? "met" : "NOT met",
          enumMs < 100 ? "met" : "NOT met",
          heapPerJob() <= 2048 ? "met" : "NOT met");
    }

    String json() {
      return String.format(
          Locale.ROOT,
          "{\"jobs\": %d, \"create_seconds\": %.4f, \"create_jobs_per_s\": %.1f,"
              + " \"create_median_ms\": %.3f, \"create_p99_ms\": %.3f, \"enum_ms\": %.3f,"
              + " \"enum_read_ms\": %.3f, \"heap_before_bytes\": %d, \"heap_after_bytes\": %d,"
              + " \"heap_per_job_bytes\": %.1f, \"heap_after_reopen_bytes\": %d,"
              + " \"through_queue_empty_ms\": %.3f, \"through_queue_full_ms\": %.3f,"
              + " \"reopen_ms\": %.1f}%n",
          jobs,
          createSeconds,
          createRate(),
          createMedianMs,
          createP99Ms,
          enumMs,
          enumReadMs,
          heapBeforeBytes,
          heapAfterBytes,
          heapPerJob(),
          heapAfterReopenBytes,
          throughQueueEmptyMs,
          throughQueueFullMs,
          reopenMs);
    }

    private static String gcNote() {
      return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
          .map(java.lang.management.GarbageCollectorMXBean::getName)
          .toList()
          .toString();
    }
  }
}
