package dev.ferry.engine.job;

import dev.ferry.api.JobOwner;
import dev.ferry.engine.EngineConfig;
import dev.ferry.spi.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The engine as an extension sees it (DO's downloads, later uploads): jobs of the extension's own
 * kinds, made, found and listed for a caller. What an extension does to a job goes through its
 * {@link JobRef}. Nothing here may be called while a {@link JobKind} notification runs.
 */
public interface JobKernel {
  EngineConfig config();

  Clock clock();

  /**
   * A new job of {@code kind}, SUSPENDED, owned by {@code caller}, its settings set by {@code
   * setup} before it is first recorded.
   */
  JobRef create(
      JobOwner caller,
      String displayName,
      JobKind kind,
      java.util.function.Consumer<JobSettings> setup);

  /** The caller's own jobs that are not final, of the kinds {@code kinds} accepts, oldest first. */
  List<JobRef> jobs(JobOwner caller, Predicate<JobKind> kinds);

  /** The caller's own job {@code id}, if it is not final and of a kind {@code kinds} accepts. */
  Optional<JobRef> find(JobOwner caller, UUID id, Predicate<JobKind> kinds);
}
