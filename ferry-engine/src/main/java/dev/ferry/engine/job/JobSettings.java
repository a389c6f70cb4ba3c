package dev.ferry.engine.job;

import dev.ferry.api.JobPriority;

/**
 * The settings of a job an extension may change ({@link JobRef#update}), under the engine's lock
 * with the job's current state at hand.
 */
public interface JobSettings {
  /** The job as it is now, before this change. */
  JobView view();

  void displayName(String name);

  void customHeaders(String headers);

  void priority(JobPriority priority);

  void noProgressTimeoutSeconds(long seconds);

  void minRetryDelaySeconds(long seconds);
}
