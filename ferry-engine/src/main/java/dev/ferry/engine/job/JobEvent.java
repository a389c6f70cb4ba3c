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
 * @param errorFileIndex the file the job's last failure happened to, -1 when none or not a file's
 * @param errorMessage the last failure's message, null while there is none: what a log line says
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
    int errorCode,
    int errorFileIndex,
    String errorMessage) {

  /** An event without the job's priority and error. */
  public JobEvent(
      Kind kind,
      UUID jobId,
      long ownerUid,
      JobState state,
      long bytesTotal,
      long bytesTransferred,
      int fileIndex) {
    this(kind, jobId, ownerUid, state, bytesTotal, bytesTransferred, fileIndex, null, 0, -1, null);
  }

  public enum Kind {
    /**
     * The job was made (SUSPENDED, no files yet). Observers that follow states take it as their
     * first {@link #CHANGED}; ferryd's event stream sends it as one.
     */
    CREATED,
    /** The state or a property changed (also the final change to ACKNOWLEDGED or CANCELLED). */
    CHANGED,
    /** Bytes arrived. */
    PROGRESS,
    /** One file has all its bytes. */
    FILE_TRANSFERRED
  }
}
