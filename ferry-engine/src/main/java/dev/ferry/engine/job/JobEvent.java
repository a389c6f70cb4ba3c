package dev.ferry.engine.job;

import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import java.util.UUID;

/**
 * Something that happened to a job, for observers such as the daemon's event stream. Progress
 * events are throttled; every other change is reported.
 *
 * @param fileIndex the file concerned by {@link Kind#FILE_TRANSFERRED}, else -1
 * @param priority the job's priority, or null where not known
 * @param errorCode the HRESULT of the job's last failure, 0 while it has none: what metrics count
 *     errors by
 */
public record JobEvent(
    Kind kind,
    UUID jobId,
    long ownerUid,
    JobState state,
    long bytesTotal,
    long bytesTransferred,
    int fileIndex,
    JobPriority priority,
    int errorCode) {

  /** An event without the job's priority and error. */
  public JobEvent(
      Kind kind,
      UUID jobId,
      long ownerUid,
      JobState state,
      long bytesTotal,
      long bytesTransferred,
      int fileIndex) {
    this(kind, jobId, ownerUid, state, bytesTotal, bytesTransferred, fileIndex, null, 0);
  }

  public enum Kind {
    /** The state or a property changed (also the final change to ACKNOWLEDGED or CANCELLED). */
    CHANGED,
    /** Bytes arrived. */
    PROGRESS,
    /** One file has all its bytes. */
    FILE_TRANSFERRED
  }
}
