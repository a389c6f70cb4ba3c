package dev.ferry.engine.job;

import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A job as it was at one moment, for extensions: everything in it was read under the engine's lock
 * at once, so it is consistent.
 *
 * @param failure the last error, kept while the job is in ERROR or TRANSIENT_ERROR and after
 * @param resumedOnce the owner has resumed it at least once
 * @param properties the job's Ferry properties that are set (numbers from 1000), by id
 */
public record JobView(
    UUID id,
    JobOwner owner,
    JobKind kind,
    JobState state,
    JobPriority priority,
    String displayName,
    String customHeaders,
    long noProgressTimeoutSeconds,
    Optional<JobFailure> failure,
    int errorCount,
    boolean resumedOnce,
    List<FileView> files,
    java.util.Map<dev.ferry.api.JobPropertyId, dev.ferry.api.JobPropertyValue> properties) {
  public JobView {
    files = List.copyOf(files);
    properties = java.util.Map.copyOf(properties);
  }
}
