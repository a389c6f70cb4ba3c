package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * How a verb's JOB argument names a job, as in bitsadmin: a GUID (with or without braces), or a
 * display name that is unique among the caller's own jobs.
 */
final class JobReference {
  private JobReference() {}

  static BackgroundCopyJob resolve(BackgroundCopyManager manager, String reference) {
    Optional<UUID> id = parseId(reference);
    if (id.isPresent()) {
      return manager.getJob(id.get());
    }
    List<BackgroundCopyJob> named =
        manager.enumJobs(false).stream()
            .filter(job -> job.displayName().equals(reference))
            .toList();
    if (named.isEmpty()) {
      throw new FerryException(
          HResult.BG_E_NOT_FOUND, "no job of yours has the id or display name '" + reference + "'");
    }
    if (named.size() > 1) {
      throw new FerryException(
          HResult.E_INVALIDARG,
          named.size()
              + " of your jobs are named '"
              + reference
              + "'; name one by its id: "
              + named.stream()
                  .map(job -> job.id() + " (" + job.state() + ")")
                  .collect(Collectors.joining(", ")));
    }
    return named.get(0);
  }

  /** A GUID as bitsadmin prints it ({@code {…}}) or bare. */
  static Optional<UUID> parseId(String text) {
    String bare = text.strip();
    if (bare.startsWith("{") && bare.endsWith("}")) {
      bare = bare.substring(1, bare.length() - 1);
    }
    if (bare.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(bare));
    } catch (IllegalArgumentException notAnId) {
      return Optional.empty();
    }
  }
}
