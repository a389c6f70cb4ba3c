package dev.ferry.spi;

import java.net.URI;
import java.util.Objects;
import java.util.UUID;

/**
 * One file of one job, as sources and event listeners see it: which job, which of its files, and
 * the URL the origin serves it at.
 *
 * @param job the job's id
 * @param index the file's position in its job
 * @param uri the file's remote URL (its origin)
 */
public record FileRef(UUID job, int index, URI uri) {
  public FileRef {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(uri, "uri");
  }
}
