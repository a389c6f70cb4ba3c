package dev.ferry.engine.job;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.bandwidth.BucketThrottle;
import dev.ferry.engine.bandwidth.TokenBucket;
import dev.ferry.engine.schedule.Decision;
import dev.ferry.engine.schedule.JobSnapshot;
import dev.ferry.engine.schedule.Scheduler;
import dev.ferry.engine.transfer.Throttle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which transfers run, and the runners that carry them: a thread that takes the {@link Scheduler}'s
 * decisions whenever something changes or a time comes, starts and stops {@link JobRunner}s, and
 * holds the bandwidth policy and its token buckets. Every method but the loop runs under the
 * engine's lock.
 */
final class Transfers {
  private static final Logger log = LoggerFactory.getLogger(Transfers.class);
  private static final String POLICY_KEY = "bandwidth_policy";

  private final JobEngine engine;
  private final Scheduler scheduler;
  private volatile BandwidthPolicy policy;
  private volatile boolean foregroundActive;
  private final TokenBucket globalBucket;
  private final TokenBucket foregroundBucket;
  private final TokenBucket backgroundBucket;
  private final Thread thread;

  Transfers(JobEngine engine) {
    this.engine = engine;
    this.scheduler =
        new Scheduler(engine.config.maxBackgroundTransfers(), engine.config.timeSlice());
    this.policy =
        engine
            .store
            .setting(POLICY_KEY)
            .map(dev.ferry.engine.bandwidth.PolicyCodec::decode)
            .orElse(BandwidthPolicy.DEFAULT);
    this.globalBucket = new TokenBucket(() -> policy.global(), engine.clock);
    this.foregroundBucket = new TokenBucket(() -> policy.foreground(), engine.clock);
    this.backgroundBucket =
        new TokenBucket(
            () -> policy.backgroundAt(engine.clock.dateTime(), foregroundActive), engine.clock);
    this.thread = Thread.ofVirtual().name("ferry-scheduler").unstarted(this::scheduleLoop);
  }

  void startLoop() {
    thread.start();
  }

  /** Waits for the loop to end once the engine is closed and has woken it. */
  void awaitLoopEnd(java.time.Duration patience) throws InterruptedException {
    thread.join(patience);
  }

  void scheduleLoop() {
    engine.lock.lock();
    try {
      while (!engine.closed) {
        long waitMs = schedule();
        engine.wake.await(waitMs, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("the scheduler stopped", e);
    } finally {
      engine.lock.unlock();
    }
  }

  /** One scheduling pass, under the engine.lock: returns how long to wait before the next pass. */
  long schedule() {
    long nowMs = engine.clock.millis();
    java.time.LocalDateTime now =
        java.time.LocalDateTime.ofInstant(
            java.time.Instant.ofEpochMilli(nowMs), engine.clock.zone());
    List<JobSnapshot> snapshots = new ArrayList<>(engine.jobs.size());
    for (Job job : engine.jobs.values()) {
      snapshots.add(snapshot(job));
    }
    Scheduler.Plan plan = scheduler.plan(snapshots, policy, nowMs, now, engine.clock.nanoTime());
    for (Decision decision : plan.decisions()) {
      Job job = engine.jobs.get(decision.job());
      switch (decision) {
        case Decision.Block b -> blockByPolicy(job, b.untilMs());
        case Decision.Unblock u -> requeue(job);
        case Decision.Retry r -> requeue(job);
        case Decision.TimeOut t -> engine.reports.enterError(job, true);
        case Decision.Start s -> start(job);
        case Decision.Preempt p -> preempt(job);
      }
    }
    foregroundActive = plan.foregroundActive();
    return plan.waitMs();
  }

  JobSnapshot snapshot(Job job) {
    return new JobSnapshot(
        job.id,
        job.priority,
        job.state,
        job.isRunning(),
        !engine.exiting.containsKey(job) && !engine.busy.contains(job),
        blockedByPolicy(job),
        job.transientSinceMs,
        job.noProgressTimeoutSeconds,
        job.retryAtMs,
        job.lastRunMs,
        job.sequence,
        job.sliceStartNanos);
  }

  void requeue(Job job) {
    job.state = JobState.QUEUED;
    engine.records.touch(job);
    engine.records.persist(job);
    engine.notifications.modified(job);
  }

  /**
   * Inside a window whose background cap is 0, background engine.jobs wait in TRANSIENT_ERROR with
   * BG_E_BLOCKED_BY_POLICY (not counted as errors, and immune to the no-progress timeout) until it
   * ends.
   */
  void blockByPolicy(Job job, long untilMs) {
    stopRunner(job);
    job.state = JobState.TRANSIENT_ERROR;
    job.failure =
        new JobFailure(
            ErrorContext.GENERAL_QUEUE_MANAGER,
            HResult.BG_E_BLOCKED_BY_POLICY.value(),
            -1,
            null,
            "background transfers are blocked by the bandwidth policy");
    job.retryAtMs = untilMs;
    engine.records.touch(job);
    engine.records.persist(job);
    engine.notifications.modified(job);
  }

  /** The policy in force; changes apply at once, to running transfers too. */
  public BandwidthPolicy bandwidthPolicy() {
    return policy;
  }

  /** Changes the policy, durably: it holds across restarts. */
  public void setBandwidthPolicy(BandwidthPolicy newPolicy) {
    engine.store.putSetting(POLICY_KEY, dev.ferry.engine.bandwidth.PolicyCodec.encode(newPolicy));
    policy = java.util.Objects.requireNonNull(newPolicy);
    engine.signal();
  }

  static boolean blockedByPolicy(Job job) {
    return job.state == JobState.TRANSIENT_ERROR
        && job.failure != null
        && job.failure.code() == HResult.BG_E_BLOCKED_BY_POLICY.value();
  }

  /** The job's own cap, then its class's, then everything's. */
  Throttle throttleFor(Job job) {
    return new BucketThrottle(
        List.of(
            job.rateCap,
            job.priority == JobPriority.FOREGROUND ? foregroundBucket : backgroundBucket,
            globalBucket));
  }

  void start(Job job) {
    if (job.priority == JobPriority.FOREGROUND) {
      // Background engine.jobs yield from this moment, not from the end of the scheduling pass.
      foregroundActive = true;
    }
    job.state = JobState.CONNECTING;
    engine.records.touch(job);
    engine.records.persistRelaxed(job);
    engine.notifications.modified(job);
    JobRunner runner = new JobRunner(engine, job);
    job.runner = runner;
    job.sliceStartNanos = engine.clock.nanoTime();
    runner.start();
  }

  void preempt(Job job) {
    stopRunner(job);
    job.state = JobState.QUEUED;
    job.lastRunMs = engine.clock.millis();
    engine.records.touch(job);
    engine.records.persist(job);
    engine.notifications.modified(job);
  }

  /**
   * Detaches and stops the job's runner (under the engine.lock); returns it so the caller may wait.
   */
  JobRunner stopRunner(Job job) {
    JobRunner runner = job.runner;
    if (runner != null) {
      job.runner = null;
      engine.exiting.put(job, runner);
      runner.stop();
    }
    return runner != null ? runner : engine.exiting.get(job);
  }

  void awaitExit(Job job, JobRunner runner) {
    if (runner != null) {
      runner.join();
    }
    JobRunner other = engine.locked(() -> engine.exiting.get(job));
    if (other != null && other != runner) {
      other.join();
    }
  }
}
