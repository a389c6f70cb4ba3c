package dev.ferry.engine.schedule;

import dev.ferry.api.JobState;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The scheduling rules (docs/state-machine.md), as a pure function of the jobs, the bandwidth
 * policy and the time:
 *
 * <ul>
 *   <li>A bandwidth window whose background cap is 0 holds every background job in TRANSIENT_ERROR
 *       until it ends; they are not counted against their no-progress timeout meanwhile.
 *   <li>A job in TRANSIENT_ERROR goes to ERROR when its no-progress timeout has run out, else back
 *       to QUEUED when its retry is due.
 *   <li>Every FOREGROUND job runs. Background jobs (HIGH, NORMAL, LOW) share {@code
 *       maxBackgroundTransfers} places: a waiting job takes a free place; else it pre-empts a
 *       running job of a lower priority, or one of its own priority whose time slice is over. Among
 *       waiting jobs, higher priorities go first, then the one pre-empted longest ago, then the
 *       oldest.
 * </ul>
 */
public final class Scheduler {
  /** The longest the engine waits before it looks again when nothing is due. */
  static final long IDLE_LOOK_MS = 60_000;

  private final int maxBackgroundTransfers;
  private final long sliceNanos;

  public Scheduler(int maxBackgroundTransfers, Duration timeSlice) {
    if (maxBackgroundTransfers < 1) {
      throw new IllegalArgumentException("at least one background transfer must be allowed");
    }
    this.maxBackgroundTransfers = maxBackgroundTransfers;
    this.sliceNanos = timeSlice.toNanos();
  }

  /**
   * What to do now.
   *
   * @param jobs every job that is not final, in creation order
   * @param nowMs the wall clock
   * @param now the wall clock's local date and time, for the policy's windows
   * @param nowNanos the monotonic clock, for time slices
   */
  public Plan plan(
      List<JobSnapshot> jobs,
      BandwidthPolicy policy,
      long nowMs,
      LocalDateTime now,
      long nowNanos) {
    List<Decision> decisions = new ArrayList<>();
    Map<UUID, JobSnapshot> current = new LinkedHashMap<>();
    for (JobSnapshot job : jobs) {
      current.put(job.id(), job);
    }
    boolean backgroundBlocked = policy.backgroundAt(now, false) == 0;
    long windowEndMs =
        policy
            .windowEnd(now)
            .map(end -> nowMs + Duration.between(now, end).toMillis())
            .orElse(Long.MAX_VALUE);
    long next = Math.min(nowMs + IDLE_LOOK_MS, windowEndMs);

    for (JobSnapshot job : List.copyOf(current.values())) {
      if (job.isForeground()) {
        continue;
      }
      if (backgroundBlocked && job.state().isAction() && !job.blockedByPolicy()) {
        decisions.add(new Decision.Block(job.id(), windowEndMs));
        current.put(job.id(), job.blockedUntil(windowEndMs));
      } else if (!backgroundBlocked && job.blockedByPolicy()) {
        decisions.add(new Decision.Unblock(job.id()));
        current.put(job.id(), job.unblocked());
      }
    }

    for (JobSnapshot job : List.copyOf(current.values())) {
      if (job.state() != JobState.TRANSIENT_ERROR || job.blockedByPolicy()) {
        continue;
      }
      long deadline = job.transientSinceMs() + job.noProgressTimeoutSeconds() * 1000;
      if (job.transientSinceMs() > 0 && nowMs >= deadline) {
        decisions.add(new Decision.TimeOut(job.id()));
        current.put(job.id(), job.with(JobState.ERROR));
      } else if (nowMs >= job.retryAtMs()) {
        decisions.add(new Decision.Retry(job.id()));
        current.put(job.id(), job.with(JobState.QUEUED));
      } else {
        next =
            Math.min(
                next,
                Math.min(job.retryAtMs(), job.transientSinceMs() > 0 ? deadline : Long.MAX_VALUE));
      }
    }

    List<JobSnapshot> runningBackground = new ArrayList<>();
    List<JobSnapshot> waitingBackground = new ArrayList<>();
    boolean foregroundActive = false;
    for (JobSnapshot job : current.values()) {
      boolean startable = job.state() == JobState.QUEUED && !job.running() && job.available();
      if (job.isForeground()) {
        if (startable) {
          decisions.add(new Decision.Start(job.id()));
        }
        foregroundActive |= startable || job.running();
      } else if (backgroundBlocked) {
        continue;
      } else if (job.running()) {
        runningBackground.add(job);
      } else if (startable) {
        waitingBackground.add(job);
      }
    }
    waitingBackground.sort(
        Comparator.comparingInt((JobSnapshot j) -> j.priority().value())
            .thenComparingLong(JobSnapshot::lastRunMs)
            .thenComparingLong(JobSnapshot::sequence));
    for (JobSnapshot candidate : waitingBackground) {
      if (runningBackground.size() < maxBackgroundTransfers) {
        decisions.add(new Decision.Start(candidate.id()));
        runningBackground.add(candidate.startedAt(nowNanos));
        continue;
      }
      JobSnapshot victim =
          runningBackground.stream()
              .max(
                  Comparator.comparingInt((JobSnapshot j) -> j.priority().value())
                      .thenComparingLong(JobSnapshot::sliceStartNanos))
              .orElseThrow();
      boolean outranked = victim.priority().value() > candidate.priority().value();
      boolean sliceOver =
          victim.priority() == candidate.priority()
              && nowNanos - victim.sliceStartNanos() >= sliceNanos;
      if (outranked || sliceOver) {
        decisions.add(new Decision.Preempt(victim.id()));
        decisions.add(new Decision.Start(candidate.id()));
        runningBackground.remove(victim);
        runningBackground.add(candidate.startedAt(nowNanos));
      } else if (victim.priority() == candidate.priority()) {
        long endsInMs = (victim.sliceStartNanos() + sliceNanos - nowNanos) / 1_000_000;
        next = Math.min(next, nowMs + Math.max(1, endsInMs));
      }
    }
    return new Plan(decisions, Math.max(1, next - nowMs), backgroundBlocked, foregroundActive);
  }

  /**
   * The decisions of one pass.
   *
   * @param waitMs how long until the scheduler should look again, at least 1
   * @param backgroundBlocked a window blocks background jobs now
   * @param foregroundActive a FOREGROUND job transfers (or is being started)
   */
  public record Plan(
      List<Decision> decisions, long waitMs, boolean backgroundBlocked, boolean foregroundActive) {
    public Plan {
      decisions = List.copyOf(decisions);
    }
  }
}
