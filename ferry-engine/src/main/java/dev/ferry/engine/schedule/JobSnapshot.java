package dev.ferry.engine.schedule;

import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import java.util.UUID;

/**
 * A job as the scheduler sees it, taken under the engine's lock.
 *
 * @param running a transfer runs for it now
 * @param available it may start: not still stopping an earlier transfer, not being completed
 * @param blockedByPolicy it waits in TRANSIENT_ERROR for a bandwidth window that blocks background
 *     jobs to end
 * @param transientSinceMs when its no-progress timer started (its first transient error since it
 *     last made progress); 0 when not running
 * @param noProgressTimeoutSeconds how long it may go without progress before ERROR
 * @param retryAtMs when a job in TRANSIENT_ERROR tries again
 * @param lastRunMs when it was last pre-empted, for round robin among its priority
 * @param sequence its creation order
 * @param sliceStartNanos when its current transfer started, on the monotonic clock
 */
public record JobSnapshot(
    UUID id,
    JobPriority priority,
    JobState state,
    boolean running,
    boolean available,
    boolean blockedByPolicy,
    long transientSinceMs,
    long noProgressTimeoutSeconds,
    long retryAtMs,
    long lastRunMs,
    long sequence,
    long sliceStartNanos) {

  boolean isForeground() {
    return priority == JobPriority.FOREGROUND;
  }

  JobSnapshot with(JobState newState) {
    return copy(newState, running, blockedByPolicy, retryAtMs, sliceStartNanos);
  }

  /** Held in TRANSIENT_ERROR by a window until {@code untilMs}; its transfer stopped. */
  JobSnapshot blockedUntil(long untilMs) {
    return copy(JobState.TRANSIENT_ERROR, false, true, untilMs, sliceStartNanos);
  }

  JobSnapshot unblocked() {
    return copy(JobState.QUEUED, running, false, retryAtMs, sliceStartNanos);
  }

  JobSnapshot startedAt(long nanos) {
    return copy(JobState.CONNECTING, true, false, retryAtMs, nanos);
  }

  private JobSnapshot copy(
      JobState newState, boolean nowRunning, boolean blocked, long retryAt, long sliceStart) {
    return new JobSnapshot(
        id,
        priority,
        newState,
        nowRunning,
        available,
        blocked,
        transientSinceMs,
        noProgressTimeoutSeconds,
        retryAt,
        lastRunMs,
        sequence,
        sliceStart);
  }
}
