package dev.ferry.spi;

import java.net.URI;
import java.util.Objects;
import java.util.UUID;

/**
 * One file of one job, as sources and event listeners see it: which job, which of its files, the
 * URL the origin serves it at, and whether its job is in the foreground (sources that wait longer
 * for a background job, as DO's cache-server fallback delays do, tell the two apart).
 *
 * @param job the job's id
 * @param index the file's position in its job
 * @param uri the file's remote URL (its origin)
 * @param foreground whether the job has FOREGROUND priority
 * @param cache the cache servers the job names, if any
 */
public record FileRef(UUID job, int index, URI uri, boolean foreground, CacheHints cache) {
  public FileRef {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(cache, "cache");
  }

  /** A file of a background job that names no cache server. */
  public FileRef(UUID job, int index, URI uri) {
    this(job, index, uri, false, CacheHints.NONE);
  }
}
