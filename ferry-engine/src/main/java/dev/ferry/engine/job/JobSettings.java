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

  /** The job's own cache hosts, checked already and separated by commas; "" for the machine's. */
  void cacheHosts(String hosts);

  /** The job's own cache fallback delay in seconds (-1 never), null for the machine's. */
  void cacheFallbackDelay(Integer seconds);

  /** The content description peers share the job's file by (base64 of a torrent), "" for none. */
  void contentDescription(String description);

  /** Known peers, checked already and separated by commas; "" for none. */
  void peers(String peers);

  /** DO's DownloadMode for the job, null when unset. */
  void downloadMode(Integer mode);

  /** The job's own HTTP delay in seconds (unsigned), null for the engine's. */
  void httpDelay(Integer seconds);

  /** The job's own minimum background rate in bytes per second, null for the engine's. */
  void minBackgroundQos(Long bytesPerSecond);

  /** The job's own Group ID, checked already (a GUID, lowercase), null for the machine's. */
  void groupId(String groupId);

  /** The job's own trackers, checked already and separated by commas; "" for the machine's. */
  void trackers(String trackers);
}
