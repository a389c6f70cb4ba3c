package dev.ferry.engine.job;

/**
 * What the core asks of a kind of job: a BITS job ({@link #BITS}), or a job an extension makes on
 * the engine and presents through interfaces of its own (a DO download). The core never asks which
 * kind a job is; it asks these questions. Each job has its own instance, which may hold the
 * extension's state of that job and is persisted with it ({@link #encode}).
 *
 * <p>The calls that tell the kind of a change ({@link #changed}, {@link #resumed}, {@link
 * #enteredError}) come under the engine's lock: they must be quick and must not call the engine.
 */
public interface JobKind {
  /** Whether BITS's enumJobs lists the job and the BITS manager finds it by id. */
  boolean isBitsJob();

  /**
   * Whether the job is kept when the engine restarts; one that is not is cancelled then (its files
   * deleted), as DO drops a download that is not NonVolatile.
   */
  boolean keptAcrossRestart();

  /** Whether a FOREGROUND job of this kind may transfer several of its files at once. */
  boolean filesInParallel();

  /**
   * Whether the job's first start created its destination, which it then writes in place and must
   * never replace, create again or rename (see {@code DownloadPlacement#CREATED_IN_PLACE}).
   */
  boolean createsDestination();

  /**
   * Whether the job's runner hands a transferred file's bytes to the file's sink interface; a kind
   * that feeds its sinks itself, as pieces arrive, says no.
   */
  boolean runnerFeedsSinks();

  /** The job changed (state, progress, properties). */
  default void changed() {}

  /** The job was resumed by its owner. */
  default void resumed() {}

  /**
   * The job entered ERROR.
   *
   * @param noProgress the no-progress timeout ran out (rather than a fatal error)
   */
  default void enteredError(boolean noProgress) {}

  /**
   * How long the job waits before it tries again after a transient failure.
   *
   * @param minRetryDelaySeconds the job's minimum retry delay
   * @param failuresInARow transient failures since the job last received bytes or was resumed, this
   *     one included (1 for the first)
   */
  default long retryDelaySeconds(long minRetryDelaySeconds, int failuresInARow) {
    return minRetryDelaySeconds;
  }

  /** The kind's own state of the job, persisted with it; null when there is none (BITS). */
  String encode();

  /** A BITS job: listed, kept, its files in parallel when FOREGROUND, staged in temporary files. */
  JobKind BITS =
      new JobKind() {
        @Override
        public boolean isBitsJob() {
          return true;
        }

        @Override
        public boolean keptAcrossRestart() {
          return true;
        }

        @Override
        public boolean filesInParallel() {
          return true;
        }

        @Override
        public boolean createsDestination() {
          return false;
        }

        @Override
        public boolean runnerFeedsSinks() {
          return true;
        }

        @Override
        public String encode() {
          return null;
        }

        @Override
        public String toString() {
          return "BITS job";
        }
      };
}
