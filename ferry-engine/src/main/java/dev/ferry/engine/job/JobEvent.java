package dev.ferry.engine.job;

import dev.ferry.api.JobState;
import java.util.UUID;

/**
 * Something that happened to a job, for observers such as the daemon's event stream. Progress
 * events are throttled; every other change is reported.
 *
 * @param fileIndex the file concerned by {@link Kind#FILE_TRANSFERRED}, else -1
 */
public record JobEvent(
    Kind kind,
    UUID jobId,
    long ownerUid,
    JobState state,
    long bytesTotal,
    long bytesTransferred,
    int fileIndex) {

  public enum Kind {
    /** The state or a property changed (also the final change to ACKNOWLEDGED or CANCELLED). */
    CHANGED,
    /** Bytes arrived. */
    PROGRESS,
    /** One file has all its bytes. */
    FILE_TRANSFERRED
  }
}
