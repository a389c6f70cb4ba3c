package dev.ferry.testkit;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobState;
import java.time.Duration;

/**
 * Waits on jobs of any {@link dev.ferry.api.BackgroundCopyManager}: polls, never sleeps and hopes.
 */
public final class Jobs {
  /** How long a wait lasts before it fails: generous, for a loaded machine. */
  public static final Duration PATIENCE = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(20);

  private Jobs() {}

  /**
   * Returns once {@code job} is in {@code state}, polling every 20 ms.
   *
   * @return {@code state}
   * @throws AssertionError if it is not there within {@link #PATIENCE}
   */
  public static JobState awaitState(BackgroundCopyJob job, JobState state) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    for (JobState seen = job.state(); seen != state; seen = job.state()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "job "
                + describe(job)
                + " did not reach "
                + state
                + " within "
                + PATIENCE
                + ": it is "
                + seen);
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for job " + job.id(), e);
      }
    }
    return state;
  }

  private static String describe(BackgroundCopyJob job) {
    try {
      return job.id() + " (" + job.displayName() + ")";
    } catch (RuntimeException e) {
      return job.id().toString();
    }
  }
}
