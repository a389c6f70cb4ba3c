package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.ALICE;
import static dev.ferry.engine.EngineFixture.PATIENCE;
import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobProgress;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scheduling rules ({@code docs/bits-semantics.md#scheduling}) as JobEngine.schedule()
 * implements them: all FOREGROUND jobs at once beside {@code maxBackgroundTransfers} (here one)
 * background job, priority preemption, round robin within a priority, files of a job one after
 * another.
 *
 * <p>The origin is throttled (mostly to {@value #RATE} bytes/s) so that transfers last seconds and
 * their states can be observed; a test lifts the throttle when it wants a file finished, or leaves
 * the fixture to stop its jobs. Invariants ("never two background jobs at once", "progress never
 * goes back") are checked at every poll while waiting, not by sleeping.
 */
class SchedulerTest {
  private static final long RATE = 200_000;

  @RegisterExtension final EngineFixture fx = new EngineFixture();
  final Map<String, Content> contents = new HashMap<>();

  @Test
  void foregroundJobsAllRunAtOnceAlongsideOneBackgroundJob() {
    BackgroundCopyJob background = job("bg1", JobPriority.NORMAL, 2_000_000);
    BackgroundCopyJob waiting = job("bg2", JobPriority.NORMAL, 2_000_000);
    background.resume();
    awaitState(background, JobState.TRANSFERRING);
    waiting.resume();
    List<BackgroundCopyJob> foreground =
        List.of(
            job("fg1", JobPriority.FOREGROUND, 2_000_000),
            job("fg2", JobPriority.FOREGROUND, 2_000_000),
            job("fg3", JobPriority.FOREGROUND, 2_000_000));
    foreground.forEach(BackgroundCopyJob::resume);

    await("three foreground jobs and one background job transferring together")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> {
          for (BackgroundCopyJob fg : foreground) {
            assertThat(fg.state()).as(fg.displayName()).isEqualTo(JobState.TRANSFERRING);
            assertThat(bytes(fg)).as(fg.displayName()).isPositive();
          }
          assertThat(background.state()).isEqualTo(JobState.TRANSFERRING);
          assertThat(waiting.state()).as("second background job").isEqualTo(JobState.QUEUED);
        });
    // The foreground jobs neither took the background slot nor waited for it.
    assertThat(waiting.progress().bytesTransferred()).isZero();
    assertThat(fx.origin.requests("/bg2.bin")).isEmpty();
    for (String path : List.of("/fg1.bin", "/fg2.bin", "/fg3.bin", "/bg1.bin")) {
      assertThat(fx.origin.bytesServed(path)).as(path).isPositive();
    }
  }

  @Test
  void onlyOneBackgroundJobTransfersAtATime() {
    BackgroundCopyJob first = job("n1", JobPriority.NORMAL, 2_000_000);
    BackgroundCopyJob second = job("n2", JobPriority.NORMAL, 2_000_000);
    BackgroundCopyJob third = job("n3", JobPriority.NORMAL, 2_000_000);
    List<BackgroundCopyJob> all = List.of(first, second, third);
    all.forEach(BackgroundCopyJob::resume);

    watch(
        "the first job to move 400 KB while the others wait",
        () -> {
          List<String> running =
              all.stream()
                  .filter(SchedulerTest::running)
                  .map(BackgroundCopyJob::displayName)
                  .toList();
          if (running.size() > 1) {
            return "several background jobs running at once: " + running;
          }
          for (BackgroundCopyJob other : List.of(second, third)) {
            if (other.state() != JobState.QUEUED || bytes(other) != 0) {
              return other.displayName()
                  + " is "
                  + other.state()
                  + " with "
                  + bytes(other)
                  + " bytes";
            }
          }
          return null;
        },
        () -> bytes(first) >= 400_000);
    assertThat(first.state()).isEqualTo(JobState.TRANSFERRING);
    assertThat(fx.origin.requests("/n2.bin")).isEmpty();
    assertThat(fx.origin.requests("/n3.bin")).isEmpty();
  }

  @Test
  void aHigherPriorityJobPreemptsAndThePreemptedJobLaterGoesOnFromWhereItWas() throws Exception {
    // Fast enough to get past the first 1 MiB piece quickly, slow enough to be caught mid-file.
    BackgroundCopyJob normal = job("normal", JobPriority.NORMAL, 3_000_000, 1_000_000);
    normal.resume();
    await().atMost(PATIENCE).until(() -> bytes(normal) >= 1_300_000);

    BackgroundCopyJob high = job("high", JobPriority.HIGH, 300_000, RATE);
    high.resume();
    await("the HIGH job to take the slot")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> {
          assertThat(normal.state()).isEqualTo(JobState.QUEUED);
          assertThat(high.state()).isEqualTo(JobState.TRANSFERRING);
        });
    long kept = bytes(normal);
    assertThat(kept).as("progress kept by the preempted job").isGreaterThanOrEqualTo(1_300_000);
    // The rest of the NORMAL file may come quickly once it is its turn again.
    fx.origin.clearFaults("/normal.bin");

    AtomicLong heldWhileWaiting = new AtomicLong(kept);
    watch(
        "the HIGH job to finish while the NORMAL one waits",
        () -> {
          // The NORMAL job's state first: it may start only after the HIGH job has finished, so
          // reading the HIGH job second cannot turn a correct hand-over into a violation.
          JobState normalState = normal.state();
          long normalBytes = bytes(normal);
          boolean highDone = high.state() == JobState.TRANSFERRED;
          if (!highDone) {
            // The stopped transfer may still count the read it was in; this catches that too.
            heldWhileWaiting.accumulateAndGet(normalBytes, Math::max);
          }
          if (normalBytes < kept) {
            return "normal went back from " + kept + " to " + normalBytes + " bytes";
          }
          return normalState == JobState.QUEUED || highDone
              ? null
              : "normal is " + normalState + " while the HIGH job transfers";
        },
        () -> high.state() == JobState.TRANSFERRED);
    assertThat(high.progress().bytesTransferred()).isEqualTo(300_000);

    watch(
        "the NORMAL job to go on and finish after the HIGH one",
        () -> bytes(normal) >= kept ? null : "normal went back to " + bytes(normal) + " bytes",
        () -> normal.state() == JobState.TRANSFERRED);
    List<RecordedRequest> requests = fx.origin.requests("/normal.bin");
    assertThat(requests).hasSize(2);
    assertThat(rangeStart(requests.get(1)))
        .as("the resumed request skips what arrived before: %s", requests.get(1).range())
        .isPositive()
        .isLessThanOrEqualTo(heldWhileWaiting.get());
    assertThat(normal.progress())
        .as("every byte counted once")
        .isEqualTo(new JobProgress(3_000_000, 3_000_000, 1, 1));
    assertThat(normal.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(fx.download("normal.bin")))
        .isEqualTo(contents.get("normal").sha256());
  }

  @Test
  void raisingAQueuedJobToHighPreemptsAndLoweringTheRunningOneGivesTheSlotBack() {
    BackgroundCopyJob first = job("n1", JobPriority.NORMAL, 2_000_000);
    BackgroundCopyJob second = job("n2", JobPriority.NORMAL, 2_000_000);
    first.resume();
    await().atMost(PATIENCE).until(() -> bytes(first) > 0);
    second.resume();
    assertThat(second.state()).isEqualTo(JobState.QUEUED);

    second.setPriority(JobPriority.HIGH);
    await("the raised job to take the slot")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> {
          assertThat(second.state()).isEqualTo(JobState.TRANSFERRING);
          assertThat(first.state()).isEqualTo(JobState.QUEUED);
          assertThat(bytes(second)).isPositive();
        });

    second.setPriority(JobPriority.LOW);
    await("the job lowered under a queued NORMAL one to give the slot back")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> {
          assertThat(first.state()).isEqualTo(JobState.TRANSFERRING);
          assertThat(second.state()).isEqualTo(JobState.QUEUED);
        });
  }

  @Test
  void jobsOfOnePriorityTakeTurnsInTimeSlicesAndBothGetDone() throws Exception {
    fx.restart(EngineFixture.testConfig().withScheduling(1, Duration.ofSeconds(1)));
    // About three seconds of transfer each: several one-second turns apiece.
    BackgroundCopyJob first = job("n1", JobPriority.NORMAL, 600_000, RATE);
    BackgroundCopyJob second = job("n2", JobPriority.NORMAL, 600_000, RATE);
    first.resume();
    second.resume();

    AtomicBoolean bothUnderWay = new AtomicBoolean();
    long[] seen = new long[2];
    watch(
        "both jobs to finish, taking turns",
        Duration.ofSeconds(30),
        () -> {
          boolean firstDone = first.state() == JobState.TRANSFERRED;
          boolean secondDone = second.state() == JobState.TRANSFERRED;
          List<BackgroundCopyJob> jobs = List.of(first, second);
          for (int i = 0; i < 2; i++) {
            long now = bytes(jobs.get(i));
            if (now < seen[i] || now > 600_000) {
              return jobs.get(i).displayName()
                  + " went from "
                  + seen[i]
                  + " to "
                  + now
                  + " of 600000 bytes (requests "
                  + ranges("/" + jobs.get(i).displayName() + ".bin")
                  + ")";
            }
            seen[i] = now;
          }
          if (!firstDone && !secondDone && seen[0] > 0 && seen[1] > 0) {
            bothUnderWay.set(true);
          }
          // Read the first job again after the second, so a slice ending between the reads is not
          // mistaken for two jobs running at once.
          if (running(first) && running(second) && running(first)) {
            return "both jobs running at once with one background slot";
          }
          return null;
        },
        () -> first.state() == JobState.TRANSFERRED && second.state() == JobState.TRANSFERRED,
        () ->
            "n1 "
                + first.state()
                + " "
                + first.progress()
                + " ranges "
                + ranges("/n1.bin")
                + "; n2 "
                + second.state()
                + " "
                + second.progress()
                + " ranges "
                + ranges("/n2.bin"));

    assertThat(bothUnderWay).as("both had made progress before either finished").isTrue();
    assertThat(fx.origin.requests("/n1.bin")).as("turns of n1").hasSizeGreaterThanOrEqualTo(2);
    for (BackgroundCopyJob job : List.of(first, second)) {
      assertThat(job.progress()).isEqualTo(new JobProgress(600_000, 600_000, 1, 1));
      job.complete();
    }
    assertThat(EngineFixture.sha256(fx.download("n1.bin"))).isEqualTo(contents.get("n1").sha256());
    assertThat(EngineFixture.sha256(fx.download("n2.bin"))).isEqualTo(contents.get("n2").sha256());
  }

  @Test
  void filesOfAJobTransferOneAfterAnotherInOrder() throws Exception {
    Content a = Content.random(400_000, 11);
    Content b = Content.random(150_000, 12);
    Content c = Content.random(150_000, 13);
    fx.origin.put("/a.bin", a);
    fx.origin.put("/b.bin", b);
    fx.origin.put("/c.bin", c);
    fx.origin.fault("/a.bin", Fault.throttle(RATE));
    fx.origin.fault("/b.bin", Fault.throttle(RATE));
    BackgroundCopyJob job = fx.alice().createJob("three files");
    job.addFile(fx.origin.url("/a.bin"), fx.download("a.bin").toString());
    job.addFile(fx.origin.url("/b.bin"), fx.download("b.bin").toString());
    job.addFile(fx.origin.url("/c.bin"), fx.download("c.bin").toString());
    var files = job.files();
    job.resume();

    // One throttle step of the origin (RATE / 20 bytes) may be on its way to the client while the
    // origin has not counted it yet; anything more means the next file started too early.
    long step = RATE / 20;
    watch(
        "the job to transfer its files",
        () -> {
          // Later files first: a file's progress only grows, so reading the earlier one afterwards
          // can only make the check more lenient, never report a false violation.
          for (int i = files.size() - 1; i > 0; i--) {
            long later = files.get(i).progress().bytesTransferred();
            boolean earlierDone = files.get(i - 1).progress().transferred();
            if (later > 0 && !earlierDone) {
              return "file " + i + " has " + later + " bytes before file " + (i - 1) + " is done";
            }
          }
          if (!fx.origin.requests("/c.bin").isEmpty()
              && fx.origin.bytesServed("/b.bin") < b.size() - step) {
            return "c requested with " + fx.origin.bytesServed("/b.bin") + " bytes of b served";
          }
          if (!fx.origin.requests("/b.bin").isEmpty()
              && fx.origin.bytesServed("/a.bin") < a.size() - step) {
            return "b requested with " + fx.origin.bytesServed("/a.bin") + " bytes of a served";
          }
          return null;
        },
        () -> job.state() == JobState.TRANSFERRED);

    RecordedRequest lastOfA = fx.origin.requests("/a.bin").getLast();
    RecordedRequest firstOfB = fx.origin.requests("/b.bin").getFirst();
    RecordedRequest lastOfB = fx.origin.requests("/b.bin").getLast();
    RecordedRequest firstOfC = fx.origin.requests("/c.bin").getFirst();
    // a takes about two seconds at the throttled rate; b cannot have been asked for before it.
    assertThat(firstOfB.at()).isAfterOrEqualTo(lastOfA.at().plusMillis(1_000));
    assertThat(firstOfC.at()).isAfterOrEqualTo(lastOfB.at().plusMillis(300));
    job.complete();
    assertThat(EngineFixture.sha256(fx.download("a.bin"))).isEqualTo(a.sha256());
    assertThat(EngineFixture.sha256(fx.download("b.bin"))).isEqualTo(b.sha256());
    assertThat(EngineFixture.sha256(fx.download("c.bin"))).isEqualTo(c.sha256());
  }

  @Test
  void aSuspendedJobGivesItsSlotToTheNextQueuedOne() throws Exception {
    BackgroundCopyJob first = job("n1", JobPriority.NORMAL, 600_000);
    BackgroundCopyJob second = job("n2", JobPriority.NORMAL, 2_000_000);
    first.resume();
    await().atMost(PATIENCE).until(() -> bytes(first) >= 100_000);
    second.resume();
    assertThat(second.state()).isEqualTo(JobState.QUEUED);

    first.suspend();
    assertThat(first.state()).isEqualTo(JobState.SUSPENDED);
    awaitState(second, JobState.TRANSFERRING);
    long firstKept = bytes(first);
    assertThat(firstKept).isPositive();

    // Resumed again, it queues behind the job that now holds the slot (whose slice lasts minutes).
    first.resume();
    long secondThen = bytes(second);
    watch(
        "the job holding the slot to move on while the resumed one waits",
        () ->
            first.state() == JobState.QUEUED
                ? null
                : "the resumed job is " + first.state() + " while the slot is taken",
        () -> bytes(second) >= secondThen + 200_000);

    // Cancelling the holder frees the slot again; the waiting job goes on from its progress (still
    // throttled, so a restart from zero would be seen) to the end.
    second.cancel();
    watch(
        "the waiting job to take the freed slot and finish",
        () -> bytes(first) >= firstKept ? null : "n1 went back to " + bytes(first) + " bytes",
        () -> first.state() == JobState.TRANSFERRED);
    assertThat(first.progress())
        .as("every byte counted once")
        .isEqualTo(new JobProgress(600_000, 600_000, 1, 1));
    first.complete();
    assertThat(EngineFixture.sha256(fx.download("n1.bin"))).isEqualTo(contents.get("n1").sha256());
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** A suspended job of ALICE's with one file {@code /name.bin} served at {@link #RATE}. */
  private BackgroundCopyJob job(String name, JobPriority priority, int size) {
    return job(name, priority, size, RATE);
  }

  /** A suspended job of ALICE's with one file {@code /name.bin} served at {@code rate} bytes/s. */
  private BackgroundCopyJob job(String name, JobPriority priority, int size, long rate) {
    String path = "/" + name + ".bin";
    Content content = Content.random(size, name.hashCode());
    contents.put(name, content);
    fx.origin.put(path, content);
    fx.origin.fault(path, Fault.throttle(rate));
    BackgroundCopyJob job = fx.manager(ALICE).createJob(name);
    job.addFile(fx.origin.url(path), fx.download(name + ".bin").toString());
    job.setPriority(priority);
    return job;
  }

  private List<String> ranges(String path) {
    return fx.origin.requests(path).stream().map(r -> r.range().orElse("whole")).toList();
  }

  private static long bytes(BackgroundCopyJob job) {
    return job.progress().bytesTransferred();
  }

  private static boolean running(BackgroundCopyJob job) {
    JobState state = job.state();
    return state == JobState.CONNECTING || state == JobState.TRANSFERRING;
  }

  /** The first byte a request asked for: 0 without a Range header. */
  private static long rangeStart(RecordedRequest request) {
    return request
        .range()
        .map(range -> {
          Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
          return m.lookingAt() ? Long.parseLong(m.group(1)) : -1L;
        })
        .orElse(0L);
  }

  /**
   * Polls until {@code done} holds, checking {@code invariant} (a description of what is wrong, or
   * null) at every poll before it; fails with the first violation seen.
   */
  private static void watch(String what, Supplier<String> invariant, BooleanSupplier done) {
    watch(what, PATIENCE, invariant, done, () -> "");
  }

  private static void watch(
      String what,
      Duration atMost,
      Supplier<String> invariant,
      BooleanSupplier done,
      Supplier<String> status) {
    List<String> violations = new ArrayList<>();
    try {
      await(what)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> {
            String violation = invariant.get();
            if (violation != null) {
              violations.add(violation);
              return true;
            }
            return done.getAsBoolean();
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not done within " + atMost + "; " + status.get(), e);
    }
    assertThat(violations).as(what).isEmpty();
  }
}
