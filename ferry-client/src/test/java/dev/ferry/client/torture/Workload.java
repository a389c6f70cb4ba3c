package dev.ferry.client.torture;

import dev.ferry.api.FileRange;
import dev.ferry.api.JobPriority;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Plans jobs from the seeded random source and publishes their content on the origin, throttled so
 * that a kill finds transfers half done. The mix: single whole files, AddFileWithRanges files, and
 * jobs of several files; FOREGROUND (several connections per file) and background priorities.
 */
final class Workload {
  private static final long MIN_SIZE = 32 << 10;

  private final Random random;
  private final TestOrigin origin;
  private final Path downloads;
  private final long maxSize;
  private final long bytesPerSecond;
  private final List<String> paths = new ArrayList<>();
  private int planned;

  Workload(Random random, TestOrigin origin, Path downloads, long maxSize, long bytesPerSecond) {
    this.random = random;
    this.origin = origin;
    this.downloads = downloads;
    this.maxSize = Math.max(maxSize, MIN_SIZE * 2);
    this.bytesPerSecond = bytesPerSecond;
  }

  JobSpec next(int round) {
    int number = ++planned;
    String name = "r%03d-j%04d".formatted(round, number);
    Path dir = downloads.resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double kind = random.nextDouble();
    int fileCount = kind < 0.5 || kind >= 0.75 ? 1 : 2 + random.nextInt(3);
    boolean rangedJob = kind >= 0.75;
    JobPriority priority =
        random.nextDouble() < 0.3
            ? JobPriority.FOREGROUND
            : List.of(JobPriority.HIGH, JobPriority.NORMAL, JobPriority.LOW).get(random.nextInt(3));
    List<FileSpec> files = new ArrayList<>();
    for (int i = 0; i < fileCount; i++) {
      // Several files share a job's budget, so multi-file jobs are not several times slower.
      long size =
          logUniform(MIN_SIZE, fileCount == 1 ? maxSize : Math.max(MIN_SIZE * 2, maxSize / 2));
      Content content = Content.random(size, random.nextLong());
      String path = "/" + name + "/f" + i;
      origin.put(path, content);
      origin.fault(path, Fault.throttle(bytesPerSecond));
      paths.add(path);
      Path local = dir.resolve("f" + i + ".bin");
      boolean ranged = rangedJob || (fileCount > 1 && random.nextDouble() < 0.2);
      files.add(
          ranged
              ? FileSpec.ranged(path, content, ranges(size), local)
              : FileSpec.whole(path, content, local));
    }
    return new JobSpec(name, priority, dir, List.copyOf(files));
  }

  /**
   * One to three non-overlapping ranges; the last one sometimes runs to the end of the file, and
   * they are sometimes given out of order (the local file follows the order given).
   */
  private List<FileRange> ranges(long size) {
    int count = 1 + random.nextInt(3);
    TreeSet<Long> cuts = new TreeSet<>();
    while (cuts.size() < count * 2) {
      cuts.add((long) (random.nextDouble() * size));
    }
    List<Long> points = new ArrayList<>(cuts);
    List<FileRange> ranges = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long start = points.get(2 * i);
      long end = points.get(2 * i + 1);
      boolean toEof = i == count - 1 && random.nextDouble() < 0.3;
      ranges.add(new FileRange(start, toEof ? FileRange.TO_EOF : end - start));
    }
    if (random.nextBoolean()) {
      Collections.shuffle(ranges, random);
    }
    return ranges;
  }

  private long logUniform(long min, long max) {
    double exponent = Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min));
    return Math.max(min, Math.min(max, (long) Math.exp(exponent)));
  }

  /** Lets every later request run at full speed: the end of the run drains the queue quickly. */
  void unthrottle() {
    for (String path : paths) {
      origin.clearFaults(path);
    }
  }
}
