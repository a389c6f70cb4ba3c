package dev.ferry.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's decisions as a pure function of the jobs, the policy and the time: no engine, no
 * threads, no waiting. The time is a fixed Monday noon; each test moves it by hand.
 */
class SchedulerDecisionsTest {
  private static final LocalDateTime NOON = LocalDateTime.of(2026, 12, 7, 12, 0);
  private static final long NOW_MS = NOON.toInstant(ZoneOffset.UTC).toEpochMilli();
  private static final long SLICE_NANOS = Duration.ofMinutes(2).toNanos();

  private final Scheduler oneAtATime = new Scheduler(1, Duration.ofNanos(SLICE_NANOS));
  private long sequence;

  /** A job in {@code state}, not running, free to start, created after the previous one. */
  private JobSnapshot job(JobPriority priority, JobState state) {
    return new JobSnapshot(
        UUID.randomUUID(), priority, state, false, true, false, 0, 600, 0, 0, sequence++, 0);
  }

  private static JobSnapshot running(JobSnapshot job, long sliceStartNanos) {
    return new JobSnapshot(
        job.id(),
        job.priority(),
        JobState.TRANSFERRING,
        true,
        true,
        false,
        0,
        job.noProgressTimeoutSeconds(),
        0,
        job.lastRunMs(),
        job.sequence(),
        sliceStartNanos);
  }

  private static JobSnapshot retrying(
      JobSnapshot job, long transientSinceMs, long retryAtMs, long timeoutSeconds) {
    return new JobSnapshot(
        job.id(),
        job.priority(),
        JobState.TRANSIENT_ERROR,
        false,
        true,
        false,
        transientSinceMs,
        timeoutSeconds,
        retryAtMs,
        job.lastRunMs(),
        job.sequence(),
        0);
  }

  private Scheduler.Plan plan(List<JobSnapshot> jobs, BandwidthPolicy policy, long plusMs) {
    return oneAtATime.plan(
        jobs, policy, NOW_MS + plusMs, NOON.plusNanos(plusMs * 1_000_000), plusMs * 1_000_000);
  }

  private Scheduler.Plan plan(List<JobSnapshot> jobs) {
    return plan(jobs, BandwidthPolicy.DEFAULT, 0);
  }

  private static List<UUID> started(Scheduler.Plan plan) {
    List<UUID> ids = new ArrayList<>();
    for (Decision decision : plan.decisions()) {
      if (decision instanceof Decision.Start start) {
        ids.add(start.job());
      }
    }
    return ids;
  }

  @Test
  void everyForegroundJobRunsAndBackgroundJobsShareOnePlace() {
    JobSnapshot normalOld = job(JobPriority.NORMAL, JobState.QUEUED);
    JobSnapshot fg1 = job(JobPriority.FOREGROUND, JobState.QUEUED);
    JobSnapshot fg2 = job(JobPriority.FOREGROUND, JobState.QUEUED);
    JobSnapshot normalNew = job(JobPriority.NORMAL, JobState.QUEUED);
    Scheduler.Plan plan = plan(List.of(normalOld, fg1, fg2, normalNew));
    assertThat(started(plan)).containsExactly(fg1.id(), fg2.id(), normalOld.id());
    assertThat(plan.foregroundActive()).isTrue();
  }

  @Test
  void suspendedErrorAndBusyJobsDoNotStart() {
    JobSnapshot suspended = job(JobPriority.FOREGROUND, JobState.SUSPENDED);
    JobSnapshot failed = job(JobPriority.NORMAL, JobState.ERROR);
    JobSnapshot busy =
        new JobSnapshot(
            UUID.randomUUID(),
            JobPriority.HIGH,
            JobState.QUEUED,
            false,
            false,
            false,
            0,
            600,
            0,
            0,
            sequence++,
            0);
    assertThat(plan(List.of(suspended, failed, busy)).decisions()).isEmpty();
  }

  @Test
  void waitingJobsGoByPriorityThenLastTurnThenAge() {
    JobSnapshot low = job(JobPriority.LOW, JobState.QUEUED);
    JobSnapshot normalRecentlyPreempted =
        new JobSnapshot(
            UUID.randomUUID(),
            JobPriority.NORMAL,
            JobState.QUEUED,
            false,
            true,
            false,
            0,
            600,
            0,
            NOW_MS - 1_000,
            sequence++,
            0);
    JobSnapshot normalNeverRan = job(JobPriority.NORMAL, JobState.QUEUED);
    JobSnapshot high = job(JobPriority.HIGH, JobState.QUEUED);
    List<JobSnapshot> jobs = List.of(low, normalRecentlyPreempted, normalNeverRan, high);
    assertThat(started(plan(jobs))).containsExactly(high.id());
    Scheduler three = new Scheduler(3, Duration.ofNanos(SLICE_NANOS));
    assertThat(started(three.plan(jobs, BandwidthPolicy.DEFAULT, NOW_MS, NOON, 0)))
        .containsExactly(high.id(), normalNeverRan.id(), normalRecentlyPreempted.id());
  }

  @Test
  void aHigherPriorityPreemptsALowerOneAtOnce() {
    JobSnapshot low = running(job(JobPriority.LOW, JobState.QUEUED), 0);
    JobSnapshot high = job(JobPriority.HIGH, JobState.QUEUED);
    Scheduler.Plan plan = plan(List.of(low, high));
    assertThat(plan.decisions())
        .containsExactly(new Decision.Preempt(low.id()), new Decision.Start(high.id()));
  }

  @Test
  void aLowerPriorityWaitsForTheRunningJob() {
    JobSnapshot high = running(job(JobPriority.HIGH, JobState.QUEUED), 0);
    JobSnapshot low = job(JobPriority.LOW, JobState.QUEUED);
    Scheduler.Plan plan = plan(List.of(high, low), BandwidthPolicy.DEFAULT, 10 * 60_000);
    assertThat(plan.decisions()).isEmpty();
    assertThat(plan.waitMs())
        .as("nothing is due: a look a minute")
        .isEqualTo(Scheduler.IDLE_LOOK_MS);
  }

  @Test
  void jobsOfOnePriorityTakeTurnsWhenTheSliceIsOver() {
    JobSnapshot first = running(job(JobPriority.NORMAL, JobState.QUEUED), 0);
    JobSnapshot second = job(JobPriority.NORMAL, JobState.QUEUED);
    long sliceMs = SLICE_NANOS / 1_000_000;

    Scheduler.Plan early = plan(List.of(first, second), BandwidthPolicy.DEFAULT, sliceMs - 20_000);
    assertThat(early.decisions()).isEmpty();
    assertThat(early.waitMs()).as("looks again when the slice ends").isEqualTo(20_000);

    Scheduler.Plan due = plan(List.of(first, second), BandwidthPolicy.DEFAULT, sliceMs);
    assertThat(due.decisions())
        .containsExactly(new Decision.Preempt(first.id()), new Decision.Start(second.id()));
  }

  @Test
  void aDueRetryQueuesTheJobAndStartsIt() {
    JobSnapshot job =
        retrying(job(JobPriority.NORMAL, JobState.QUEUED), NOW_MS - 5_000, NOW_MS + 10_000, 600);

    Scheduler.Plan notYet = plan(List.of(job));
    assertThat(notYet.decisions()).isEmpty();
    assertThat(notYet.waitMs()).isEqualTo(10_000);

    Scheduler.Plan due = plan(List.of(job), BandwidthPolicy.DEFAULT, 10_000);
    assertThat(due.decisions())
        .containsExactly(new Decision.Retry(job.id()), new Decision.Start(job.id()));
  }

  @Test
  void theNoProgressTimeoutEndsRetriesInError() {
    // Retries every 600 s, but the no-progress timeout runs out after 300 s.
    JobSnapshot job =
        retrying(job(JobPriority.LOW, JobState.QUEUED), NOW_MS, NOW_MS + 600_000, 300);

    Scheduler.Plan waiting = plan(List.of(job), BandwidthPolicy.DEFAULT, 250_000);
    assertThat(waiting.decisions()).isEmpty();
    assertThat(waiting.waitMs()).as("the deadline comes before the retry").isEqualTo(50_000);

    Scheduler.Plan expired = plan(List.of(job), BandwidthPolicy.DEFAULT, 300_000);
    assertThat(expired.decisions()).containsExactly(new Decision.TimeOut(job.id()));
  }

  @Test
  void aBlockingWindowHoldsBackgroundJobsUntilItEnds() {
    BandwidthPolicy lunch =
        BandwidthPolicy.DEFAULT.withWindows(
            List.of(
                new BandwidthPolicy.Window(
                    Set.of(DayOfWeek.MONDAY), LocalTime.of(11, 30), LocalTime.of(12, 0, 40), 0)));
    JobSnapshot runningNormal = running(job(JobPriority.NORMAL, JobState.QUEUED), 0);
    JobSnapshot queuedLow = job(JobPriority.LOW, JobState.QUEUED);
    JobSnapshot suspended = job(JobPriority.HIGH, JobState.SUSPENDED);
    JobSnapshot foreground = job(JobPriority.FOREGROUND, JobState.QUEUED);
    long windowEndMs = NOW_MS + 40_000;

    Scheduler.Plan blocked =
        plan(List.of(runningNormal, queuedLow, suspended, foreground), lunch, 0);
    assertThat(blocked.decisions())
        .containsExactly(
            new Decision.Block(runningNormal.id(), windowEndMs),
            new Decision.Block(queuedLow.id(), windowEndMs),
            new Decision.Start(foreground.id()));
    assertThat(blocked.backgroundBlocked()).isTrue();
    assertThat(blocked.waitMs()).as("looks again when the window ends").isEqualTo(40_000);

    // Held jobs are not counted against their no-progress timeout while the window lasts.
    JobSnapshot held =
        new JobSnapshot(
            queuedLow.id(),
            JobPriority.LOW,
            JobState.TRANSIENT_ERROR,
            false,
            true,
            true,
            NOW_MS - 86_400_000,
            60,
            windowEndMs,
            0,
            queuedLow.sequence(),
            0);
    assertThat(plan(List.of(held), lunch, 30_000).decisions()).isEmpty();

    Scheduler.Plan over = plan(List.of(held), lunch, 40_000);
    assertThat(over.decisions())
        .containsExactly(new Decision.Unblock(held.id()), new Decision.Start(held.id()));
    assertThat(over.backgroundBlocked()).isFalse();
  }
}
