package dev.ferry.client.torture;

import static dev.ferry.testkit.TestFiles.deleteTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.JobState;
import dev.ferry.client.torture.Ledger.Violation;
import dev.ferry.client.torture.TrackedJob.Outcome;
import dev.ferry.client.torture.TrackedJob.Stage;
import dev.ferry.rest.JobView;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash torture (issue 6): ferryd runs as a child process with many downloads at once and is killed
 * with SIGKILL at random moments, restarted on the same data directory, and checked, round after
 * round. A round:
 *
 * <ol>
 *   <li>starts ferryd and, after the first round, reconciles the client's ledger with what ferryd
 *       lists and what is on disk ({@link Checker}): no answered job lost or duplicated, every
 *       state and file count allowed by the answered requests, unanswered requests settled from the
 *       evidence, transferred temporary files and final files byte-exact, nothing stray on disk;
 *   <li>plans new jobs (whole files, AddFileWithRanges, several files per job; FOREGROUND and
 *       background) and sets them up, and those an earlier kill interrupted, while an operator
 *       completes TRANSFERRED jobs and cancels a few;
 *   <li>kills ferryd in one of four ways: while jobs are being created, mid-transfer (checkpoints
 *       run every second, so some kills land in one), a few milliseconds after sending Complete to
 *       TRANSFERRED jobs (during the renames), or a few milliseconds after sending Cancel;
 *   <li>checks at once, before any restart, that every answered Complete left exactly the final
 *       files and every answered Cancel left nothing.
 * </ol>
 *
 * After the last round the origin stops throttling and every remaining job is driven to the end and
 * completed; then every final file's SHA-256 is checked and the download tree may hold nothing
 * else. A clean stop and one more start must find no job at all.
 *
 * <p>Seeded: {@code -Dtorture.seed} replays the plan (job mix, sizes, ranges, kill modes and
 * delays); thread timing still varies, so a replay revisits the same kinds of moments rather than
 * the same microsecond. {@code -Dtorture.rounds}, {@code -Dtorture.jobs} (new jobs per round),
 * {@code -Dtorture.maxKiB} (largest file) and {@code -Dtorture.rateKiB} (origin pace per
 * connection) choose the run; {@code scripts/torture} runs the long version.
 */
class TortureTest {
  private static final int MAX_LIVE_JOBS = 40;
  private static final Duration JOIN_PATIENCE = Duration.ofSeconds(60);
  private static final Duration DRAIN_PATIENCE = Duration.ofMinutes(10);

  private enum KillMode {
    CREATE,
    TRANSFER,
    COMPLETE,
    CANCEL
  }

  private final long seed =
      Long.getLong("torture.seed", ThreadLocalRandom.current().nextLong() >>> 16);
  private final int rounds = Integer.getInteger("torture.rounds", 3);
  private final int jobsPerRound = Integer.getInteger("torture.jobs", 4);
  private final long maxBytes = Long.getLong("torture.maxKiB", 2048) << 10;
  private final long bytesPerSecond = Long.getLong("torture.rateKiB", 128) << 10;

  private final Ledger ledger = new Ledger();
  private final Checker checker = new Checker(ledger);
  private Path dir;
  private TestOrigin origin;
  private Ferryd daemon;
  private boolean passed;
  private int kills;
  private long startNanos;

  @BeforeEach
  void start() throws IOException {
    dir = TestFiles.shortTempDir("ft");
    origin = TestOrigin.start();
  }

  @AfterEach
  void stop() {
    try {
      if (daemon != null) {
        daemon.close();
      }
      origin.close();
    } finally {
      if (passed) {
        deleteTree(dir);
      } else {
        System.out.println("TORTURE kept " + dir + " (ferryd.log, data/, dl/) for inspection");
      }
    }
  }

  @Test
  void ferrydKilledAtRandomMomentsLosesNothing() throws Exception {
    startNanos = System.nanoTime();
    System.out.printf(
        "TORTURE seed=%d rounds=%d jobs=%d maxKiB=%d rateKiB=%d (replay: scripts/torture --seed %d"
            + " --rounds %d --jobs %d)%n",
        seed,
        rounds,
        jobsPerRound,
        maxBytes >> 10,
        bytesPerSecond >> 10,
        seed,
        rounds,
        jobsPerRound);
    Random random = new Random(seed);
    Workload workload = new Workload(random, origin, dir.resolve("dl"), maxBytes, bytesPerSecond);
    Path socket = dir.resolve("d.sock");
    for (int round = 1; round <= rounds; round++) {
      playRound(round, random, workload, socket);
    }

    workload.unthrottle();
    daemon = startDaemon(socket);
    try (Session session = new Session(socket, ledger, origin)) {
      checker.reconcile(session.snapshot());
      failOnViolations("after the last restart");
      long drainStart = System.nanoTime();
      try {
        drain(session);
        System.out.printf("TORTURE drained in %.1fs%n", (System.nanoTime() - drainStart) / 1e9);
      } catch (Session.Failed failed) {
        // In the ledger already; the report below says the rest.
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        ledger.violation(Violation.ERROR, "the queue did not drain: " + ledger.live());
      }
      failOnViolations("while draining the queue");
      checker.reconcile(session.snapshot());
    }
    checkTree();
    failOnViolations("after draining the queue");
    assertThat(daemon.terminate()).as("ferryd exits 0 on SIGTERM").isZero();

    daemon = startDaemon(socket);
    try (Session session = new Session(socket, ledger, origin)) {
      checker.reconcile(session.snapshot());
    }
    checkTree();
    assertThat(daemon.terminate()).isZero();
    failOnViolations("after a clean restart");
    assertThat(ledger.live()).as("jobs still open").isEmpty();
    System.out.println(summary());
    passed = true;
  }

  /** ferryd over this run's data; every daemon of the run appends to the one ferryd.log. */
  private Ferryd startDaemon(Path socket) {
    return Ferryd.on(socket, dir.resolve("data")).log(dir.resolve("ferryd.log")).start();
  }

  private void playRound(int round, Random random, Workload workload, Path socket)
      throws InterruptedException {
    long roundStart = System.nanoTime();
    daemon = startDaemon(socket);
    long started = System.nanoTime();
    KillMode mode = KillMode.values()[random.nextInt(KillMode.values().length)];
    long pause = 200 + random.nextInt(2800);
    // Counted from the moment the first Complete or Cancel goes out (the client reads the job once
    // first, then posts): up to 60 ms, so kills land before, during and after the daemon's work.
    long strikeMicros = random.nextInt(60_000);
    int strikes = 1 + random.nextInt(3);
    Random creatorRandom = new Random(random.nextLong());
    Random operatorRandom = new Random(random.nextLong());
    Random strikeRandom = new Random(random.nextLong());
    List<Thread> threads = new ArrayList<>();
    long partial;
    try (Session session = new Session(socket, ledger, origin)) {
      if (round > 1) {
        checker.reconcile(session.snapshot());
        failOnViolations("after restart " + round);
      }
      int room = MAX_LIVE_JOBS - ledger.live().size();
      for (int i = 0; i < Math.min(jobsPerRound, room); i++) {
        ledger.add(new TrackedJob(workload.next(round), round));
      }
      Thread creator = worker(threads, "creator", () -> setUpAll(session, creatorRandom));
      worker(
          threads, "operator", () -> operate(session, operatorRandom, mode != KillMode.COMPLETE));
      String landed =
          switch (mode) {
            case CREATE -> {
              Thread.sleep(pause / 8);
              yield creator.isAlive() ? "create" : "transfer";
            }
            case TRANSFER -> {
              creator.join(JOIN_PATIENCE);
              Thread.sleep(pause);
              yield "transfer";
            }
            case COMPLETE -> {
              creator.join(JOIN_PATIENCE);
              Thread.sleep(pause / 4);
              List<TrackedJob> targets =
                  awaitTargets(session, strikes, strikeRandom, JobState.TRANSFERRED);
              CountDownLatch sending = new CountDownLatch(targets.isEmpty() ? 0 : 1);
              for (TrackedJob job : targets) {
                worker(
                    threads,
                    "complete",
                    () -> strike(job, () -> session.complete(job, sending::countDown)));
              }
              sending.await(5, TimeUnit.SECONDS);
              LockSupport.parkNanos(strikeMicros * 1000);
              yield targets.isEmpty() ? "transfer" : "complete";
            }
            case CANCEL -> {
              creator.join(JOIN_PATIENCE);
              Thread.sleep(pause / 2);
              List<TrackedJob> targets = awaitTargets(session, strikes, strikeRandom, null);
              CountDownLatch sending = new CountDownLatch(targets.isEmpty() ? 0 : 1);
              for (TrackedJob job : targets) {
                worker(
                    threads,
                    "cancel",
                    () -> strike(job, () -> session.cancel(job, sending::countDown)));
              }
              sending.await(5, TimeUnit.SECONDS);
              LockSupport.parkNanos(strikeMicros * 1000);
              yield targets.isEmpty() ? "transfer" : "cancel";
            }
          };
      session.killed.set(true);
      daemon.kill();
      kills++;
      ledger.count("killDuring." + landed);
      partial = partialFiles();
      ledger.count("partialFilesAtKill", partial);
      for (Thread thread : threads) {
        if (!thread.join(JOIN_PATIENCE)) {
          ledger.violation(
              Violation.ERROR, "a client call was still hanging a minute after the kill");
        }
      }
    }
    checker.afterKill();
    failOnViolations("after kill " + round);
    System.out.printf(
        "TORTURE round %d: %s kill with %d partial files on disk, %d live jobs (%.1fs, ferryd"
            + " start %.1fs), %s%n",
        round,
        mode,
        partial,
        ledger.live().size(),
        (System.nanoTime() - roundStart) / 1e9,
        (started - roundStart) / 1e9,
        ledger.counters());
  }

  /** Creates, configures, fills and resumes every job that is not that far yet. */
  private void setUpAll(Session session, Random random) {
    for (TrackedJob job : ledger.live()) {
      if (job.setUp() || job.wantCancel || !job.claim()) {
        continue;
      }
      try {
        session.setUp(job);
      } finally {
        job.release();
      }
      if (random.nextInt(4) == 0) {
        LockSupport.parkNanos(random.nextInt(20_000_000));
      }
    }
  }

  /** Completes TRANSFERRED jobs (unless the round keeps them for its strike) and cancels a few. */
  private void operate(Session session, Random random, boolean completes) {
    while (!session.killed.get()) {
      for (JobView view : session.snapshot()) {
        TrackedJob job = ledger.byId(UUID.fromString(view.id())).orElse(null);
        if (job == null || job.outcome != Outcome.ACTIVE) {
          continue;
        }
        if (job.wantCancel) {
          strike(job, () -> session.cancel(job));
        } else if (completes
            && job.setUp()
            && view.state().equals(JobState.TRANSFERRED.name())
            && random.nextBoolean()) {
          strike(job, () -> session.complete(job));
        }
      }
      if (random.nextInt(40) == 0) {
        List<TrackedJob> candidates =
            ledger.live().stream().filter(j -> j.setUp() && !j.busy.get()).toList();
        if (!candidates.isEmpty()) {
          TrackedJob job = candidates.get(random.nextInt(candidates.size()));
          strike(job, () -> session.cancel(job));
        }
      }
      LockSupport.parkNanos((40 + random.nextInt(80)) * 1_000_000L);
    }
  }

  /**
   * Up to {@code count} set-up jobs nobody is working on, in {@code state} when one is given, found
   * within a few seconds. They are claimed for the caller.
   */
  private List<TrackedJob> awaitTargets(Session session, int count, Random random, JobState state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    List<TrackedJob> targets = new ArrayList<>();
    while (targets.isEmpty() && System.nanoTime() < deadline) {
      List<TrackedJob> candidates = new ArrayList<>();
      for (JobView view : session.snapshot()) {
        TrackedJob job = ledger.byId(UUID.fromString(view.id())).orElse(null);
        if (job != null
            && job.setUp()
            && !job.wantCancel
            && (state == null || view.state().equals(state.name()))) {
          candidates.add(job);
        }
      }
      java.util.Collections.shuffle(candidates, random);
      for (TrackedJob job : candidates) {
        if (targets.size() < count && job.claim()) {
          targets.add(job);
        }
      }
      if (targets.isEmpty()) {
        LockSupport.parkNanos(50_000_000);
      }
    }
    for (TrackedJob job : targets) {
      job.release();
    }
    return targets;
  }

  /** Runs one job's request sequence if nobody else is working on the job. */
  private static void strike(TrackedJob job, Runnable requests) {
    if (!job.claim()) {
      return;
    }
    try {
      requests.run();
    } finally {
      job.release();
    }
  }

  private Thread worker(List<Thread> threads, String name, Runnable body) {
    Thread thread =
        Thread.ofVirtual()
            .name("torture-" + name)
            .start(() -> {
              try {
                body.run();
              } catch (Session.Killed | Session.Failed expected) {
                // Killed: the point of the exercise. Failed: already in the ledger.
              } catch (RuntimeException | Error e) {
                ledger.violation(Violation.ERROR, "the " + name + " thread failed: " + e);
                e.printStackTrace(System.out);
              }
            });
    threads.add(thread);
    return thread;
  }

  /**
   * No more kills: finishes what interrupted set-ups left, cancels what was meant to be cancelled,
   * waits for every other job to be TRANSFERRED and completes it.
   */
  private void drain(Session session) {
    for (TrackedJob job : ledger.live()) {
      if (job.wantCancel) {
        session.cancel(job);
      } else if (!job.setUp()) {
        session.setUp(job);
      }
    }
    await("every job to be transferred and completed")
        .atMost(DRAIN_PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          for (JobView view : session.snapshot()) {
            TrackedJob job = ledger.byId(UUID.fromString(view.id())).orElse(null);
            if (job == null || job.outcome != Outcome.ACTIVE) {
              continue;
            }
            if (view.state().equals(JobState.TRANSFERRED.name())) {
              session.complete(job);
            } else if (view.state().equals(JobState.ERROR.name())) {
              ledger.violation(Violation.ILLEGAL, job + " failed while draining: " + view.error());
              session.cancel(job);
            }
          }
          return ledger.live().isEmpty();
        });
  }

  /** Temporary files holding a transfer in progress: how many transfers the kill interrupted. */
  private long partialFiles() {
    try (Stream<Path> walk = Files.walk(dir.resolve("dl"))) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".part")).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every file under the download tree is a final file of a completed job; nothing else. */
  private void checkTree() throws IOException {
    List<Path> expected = new ArrayList<>();
    for (TrackedJob job : ledger.jobs) {
      if (job.outcome == Outcome.COMPLETED) {
        job.spec.files().forEach(file -> expected.add(file.local()));
      }
    }
    try (Stream<Path> walk = Files.walk(dir.resolve("dl"))) {
      for (Path path : walk.filter(Files::isRegularFile).toList()) {
        if (!expected.contains(path)) {
          ledger.violation(Violation.STRAY, "the download tree holds " + path);
        }
      }
    }
  }

  private void failOnViolations(String when) {
    List<String> violations = ledger.violations();
    if (violations.isEmpty()) {
      return;
    }
    System.out.println(summary());
    StringBuilder message =
        new StringBuilder("TORTURE FAILED " + when + " with seed " + seed + ":\n");
    violations.forEach(v -> message.append("  ").append(v).append('\n'));
    message.append("ledger:\n");
    ledger.jobs.forEach(
        j -> message.append("  ").append(j).append(' ').append(j.spec).append('\n'));
    if (daemon != null) {
      message.append("ferryd's last lines:\n").append(daemon.tail()).append('\n');
    }
    message
        .append("replay: scripts/torture --seed ")
        .append(seed)
        .append(" --rounds ")
        .append(rounds)
        .append(" --jobs ")
        .append(jobsPerRound);
    System.out.println(message);
    throw new AssertionError(message.toString());
  }

  private String summary() {
    long files =
        ledger.jobs.stream()
            .filter(j -> j.outcome != Outcome.NEVER_CREATED && j.create != Stage.NONE)
            .mapToLong(j -> j.spec.files().size())
            .sum();
    long mib =
        ledger.jobs.stream()
                .filter(j -> j.outcome == Outcome.COMPLETED)
                .mapToLong(j -> j.spec.bytes())
                .sum()
            >> 20;
    return ("TORTURE SUMMARY seed=%d rounds=%d kills=%d jobs=%d files=%d completed=%d (%d MiB)"
            + " cancelled=%d neverCreated=%d %s | %s | %.1fs")
        .formatted(
            seed,
            rounds,
            kills,
            ledger.jobs.stream().filter(j -> j.create != Stage.NONE).count(),
            files,
            ledger.outcomes(Outcome.COMPLETED),
            mib,
            ledger.outcomes(Outcome.CANCELLED),
            ledger.outcomes(Outcome.NEVER_CREATED),
            ledger.violationCounts(),
            ledger.counters(),
            (System.nanoTime() - startNanos) / 1e9);
  }
}
