package dev.ferry.spi;

import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One file of one job, as sources and event listeners see it: which job, which of its files, the
 * URL the origin serves it at, whether its job is in the foreground (sources that wait longer for a
 * background job, as DO's cache-server fallback delays do, tell the two apart), and the job's
 * properties that Ferry adds to BITS's (numbers from 1000), which a source provider may read for
 * what the job asks of it (cache servers: CACHE_HOSTS, CACHE_FALLBACK_DELAY). The core hands them
 * over without knowing which part reads which.
 *
 * @param job the job's id
 * @param index the file's position in its job
 * @param uri the file's remote URL (its origin)
 * @param foreground whether the job has FOREGROUND priority
 * @param properties the job's Ferry properties that are set, by id
 */
public record FileRef(
    UUID job,
    int index,
    URI uri,
    boolean foreground,
    Map<JobPropertyId, JobPropertyValue> properties) {
  public FileRef {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(uri, "uri");
    properties = Map.copyOf(properties);
  }

  /** A file of a background job that sets none of Ferry's properties. */
  public FileRef(UUID job, int index, URI uri) {
    this(job, index, uri, false, Map.of());
  }

  /** The job's value of {@code id}, where it set one. */
  public Optional<JobPropertyValue> property(JobPropertyId id) {
    return Optional.ofNullable(properties.get(id));
  }
}
