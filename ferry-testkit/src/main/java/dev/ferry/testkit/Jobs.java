package dev.ferry.testkit;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits on the jobs of any {@link dev.ferry.api.BackgroundCopyManager} and the downloads of any
 * {@link dev.ferry.api.delivery.DeliveryManager}: they poll every 20 ms, never sleep and hope.
 */
public final class Jobs {
  /** How long a wait lasts before it fails: generous, for a loaded machine. */
  public static final Duration PATIENCE = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(20);

  private Jobs() {}

  /**
   * Returns once {@code job} is in {@code state}.
   *
   * @return {@code state}
   * @throws AssertionError if it is not there within {@link #PATIENCE}
   */
  public static JobState awaitState(BackgroundCopyJob job, JobState state) {
    await(job::state, state, () -> "job " + describe(job));
    return state;
  }

  /**
   * Returns once {@code download} is in {@code state}.
   *
   * @return its status then
   * @throws AssertionError if it is not there within {@link #PATIENCE}
   */
  public static DownloadStatus awaitState(Download download, DownloadState state) {
    await(() -> download.status().state(), state, () -> "download " + download.id());
    return download.status();
  }

  private static <S> void await(Supplier<S> current, S wanted, Supplier<String> what) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    for (S seen = current.get(); !seen.equals(wanted); seen = current.get()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            what.get() + " did not reach " + wanted + " within " + PATIENCE + ": it is " + seen);
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what.get(), e);
      }
    }
  }

  private static String describe(BackgroundCopyJob job) {
    try {
      return job.id() + " (" + job.displayName() + ")";
    } catch (RuntimeException e) {
      return job.id().toString();
    }
  }
}
