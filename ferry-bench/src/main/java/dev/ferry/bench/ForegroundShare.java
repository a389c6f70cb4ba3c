package dev.ferry.bench;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.job.JobEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A foreground job's rate alone and beside background jobs, in one embedded engine. After one
 * untimed download to warm up, each repetition downloads the foreground file once alone and once
 * while {@code --bg-jobs} NORMAL-priority jobs download the (larger) background file (in
 * alternating order, {@code sync} before each); it prints both rates, their ratio, and the
 * background jobs' combined rate while the foreground job ran.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp ferry-bench/target/benchmarks.jar \
 *     dev.ferry.bench.ForegroundShare --fg-url URL --bg-url URL --out DIR \
 *     [--reps 3] [--bg-jobs 3] [--bg-slots 3] [--json FILE]</pre>
 *
 * {@code --bg-slots} is the engine's maxBackgroundTransfers (BITS and Ferry's default: 1); the
 * default here, 3, lets all three background jobs transfer at once.
 *
 * <p>{@code --bg-cap} (bytes per second, default 16 MiB/s; 0 for none) is the policy's background
 * cap, as a background class has on a shared link. Uncapped on loopback, background jobs fill the
 * page cache at a gigabyte a second before the foreground job starts, and the writeback of that,
 * not the engine, is then what competes with the foreground job. The dirty pages they did write are
 * flushed before the foreground job starts.
 */
public final class ForegroundShare {
  private ForegroundShare() {}

  public static void main(String[] args) throws Exception {
    String fgUrl = null;
    String bgUrl = null;
    Path out = null;
    Path json = null;
    int reps = 3;
    int bgJobs = 3;
    int bgSlots = 3;
    long bgCap = 16L << 20;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--fg-url" -> fgUrl = args[++i];
        case "--bg-url" -> bgUrl = args[++i];
        case "--out" -> out = Path.of(args[++i]);
        case "--json" -> json = Path.of(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--bg-jobs" -> bgJobs = Integer.parseInt(args[++i]);
        case "--bg-slots" -> bgSlots = Integer.parseInt(args[++i]);
        case "--bg-cap" -> bgCap = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (fgUrl == null || bgUrl == null || out == null) {
      System.err.println(
          "usage: ForegroundShare --fg-url URL --bg-url URL --out DIR [--reps N] [--bg-jobs N]"
              + " [--bg-slots N] [--bg-cap BYTES_PER_S] [--json FILE]");
      System.exit(2);
    }
    Files.createDirectories(out);
    Path data = Files.createTempDirectory(out, "data");
    EngineConfig config =
        EngineConfig.defaults()
            .withLimits(1000, 1000, 200, 500)
            .withScheduling(bgSlots, Duration.ofMinutes(10));

    List<double[]> runs = new ArrayList<>();
    boolean bgFinishedEarly = false;
    JobEngine engine = JobEngine.open(data, config);
    if (bgCap > 0) {
      engine.setBandwidthPolicy(BandwidthPolicy.DEFAULT.withBackground(bgCap));
    }
    try (BackgroundCopyManager manager = engine.ownedManager(Ferry.currentUser())) {
      // One untimed download first, so that no repetition pays for class loading and the JIT.
      foreground(manager, fgUrl, out);
      for (int rep = 1; rep <= reps; rep++) {
        // Alternate the order, so that neither measurement always follows the other's writeback.
        double solo = 0;
        if (rep % 2 == 1) {
          solo = alone(manager, fgUrl, out);
        }
        sync();
        List<BackgroundCopyJob> background = new ArrayList<>();
        for (int b = 0; b < bgJobs; b++) {
          BackgroundCopyJob job = manager.createJob("background " + b);
          job.setPriority(JobPriority.NORMAL);
          job.addFile(bgUrl, out.resolve("bg-" + b + ".bin").toString());
          job.resume();
          background.add(job);
        }
        waitTransferring(background, Math.min(bgJobs, bgSlots));
        Thread.sleep(500);
        sync();
        long bgBefore = bytes(background);
        double[] fg = foreground(manager, fgUrl, out);
        long bgBytes = bytes(background) - bgBefore;
        for (BackgroundCopyJob job : background) {
          if (job.state() == JobState.TRANSFERRED) {
            bgFinishedEarly = true;
          }
          job.cancel();
        }
        if (rep % 2 == 0) {
          solo = alone(manager, fgUrl, out);
        }
        double bgRate = bgBytes / 1e6 / fg[1];
        runs.add(new double[] {solo, fg[0], bgRate});
        System.out.printf(
            Locale.ROOT,
            "  rep %d: foreground alone %.1f MB/s, beside %d background %.1f MB/s (%.0f %%);"
                + " background together %.1f MB/s meanwhile%n",
            rep,
            solo,
            bgJobs,
            fg[0],
            100 * fg[0] / solo,
            bgRate);
      }
    }
    deleteTree(data);
    double solo = median(runs, 0);
    double beside = median(runs, 1);
    double bg = median(runs, 2);
    System.out.printf(
        Locale.ROOT,
        "foreground: medians of %d: alone %.1f MB/s; beside %d background jobs (%d may transfer"
            + " at once, background cap %s) %.1f MB/s = %.0f %% of alone (issue 5 target:"
            + " >= 90 %%: %s); background together %.1f MB/s meanwhile%n",
        reps,
        solo,
        bgJobs,
        bgSlots,
        bgCap > 0 ? (bgCap >> 20) + " MiB/s" : "none",
        beside,
        100 * beside / solo,
        beside / solo >= 0.9 ? "met" : "NOT met",
        bg);
    if (bgFinishedEarly) {
      System.out.println(
          "  warning: a background job finished before the foreground job: use a larger background"
              + " file");
    }
    if (json != null) {
      Files.writeString(
          json,
          String.format(
              Locale.ROOT,
              "{\"reps\": %d, \"bg_jobs\": %d, \"bg_slots\": %d, \"alone_mb_s\": %.2f,"
                  + " \"beside_mb_s\": %.2f, \"ratio\": %.4f, \"bg_mb_s\": %.2f,"
                  + " \"bg_finished_early\": %b}%n",
              reps,
              bgJobs,
              bgSlots,
              solo,
              beside,
              beside / solo,
              bg,
              bgFinishedEarly));
    }
  }

  /** The foreground file alone, after flushing what earlier downloads left dirty; MB/s. */
  private static double alone(BackgroundCopyManager manager, String url, Path out)
      throws Exception {
    sync();
    return foreground(manager, url, out)[0];
  }

  /** sync(1): earlier downloads' dirty pages must not be written back during a measurement. */
  private static void sync() throws Exception {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  /** Downloads the foreground file; returns {MB/s, seconds}. */
  private static double[] foreground(BackgroundCopyManager manager, String url, Path out)
      throws Exception {
    Path target = out.resolve("fg.bin");
    Files.deleteIfExists(target);
    BackgroundCopyJob job = manager.createJob("foreground");
    job.setPriority(JobPriority.FOREGROUND);
    job.addFile(url, target.toString());
    long start = System.nanoTime();
    job.resume();
    long deadline = start + Duration.ofMinutes(10).toNanos();
    while (true) {
      JobState state = job.state();
      if (state == JobState.TRANSFERRED) {
        break;
      }
      if (state == JobState.ERROR || state == JobState.TRANSIENT_ERROR) {
        throw new IllegalStateException(
            "the foreground job failed: " + job.error().map(Object::toString).orElse(""));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the foreground job took over 10 minutes");
      }
      Thread.sleep(2);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long total = job.progress().bytesTotal();
    job.complete();
    Files.deleteIfExists(target);
    return new double[] {total / 1e6 / seconds, seconds};
  }

  private static void waitTransferring(List<BackgroundCopyJob> jobs, int expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      int moving = 0;
      for (BackgroundCopyJob job : jobs) {
        if (job.progress().bytesTransferred() > 0) {
          moving++;
        }
      }
      if (moving >= expected) {
        return;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the background jobs did not start within 30 s");
  }

  private static long bytes(List<BackgroundCopyJob> jobs) {
    long total = 0;
    for (BackgroundCopyJob job : jobs) {
      total += job.progress().bytesTransferred();
    }
    return total;
  }

  private static double median(List<double[]> runs, int column) {
    double[] v = runs.stream().mapToDouble(r -> r[column]).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
