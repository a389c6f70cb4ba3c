package dev.ferry.engine.schedule;

import java.util.UUID;

/** One thing the scheduler decided about a job; the engine carries it out in order. */
public sealed interface Decision {
  UUID job();

  /** A background window blocks the job: stop it, TRANSIENT_ERROR (BG_E_BLOCKED_BY_POLICY). */
  record Block(UUID job, long untilMs) implements Decision {}

  /** The window that blocked the job is over: QUEUED again. */
  record Unblock(UUID job) implements Decision {}

  /** The job's retry is due: QUEUED again. */
  record Retry(UUID job) implements Decision {}

  /** The job went its whole no-progress timeout without progress: ERROR. */
  record TimeOut(UUID job) implements Decision {}

  /** Start a transfer for the job. */
  record Start(UUID job) implements Decision {}

  /** Stop the job's transfer and queue it again: another job has its turn. */
  record Preempt(UUID job) implements Decision {}
}
