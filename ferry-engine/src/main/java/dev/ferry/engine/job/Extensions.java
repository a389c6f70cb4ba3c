package dev.ferry.engine.job;

import dev.ferry.api.JobOwner;
import java.util.List;
import java.util.Optional;

/**
 * What extends one engine (Delivery Optimization), asked in order: which kind or file extension a
 * persisted state belongs to, and which interfaces beyond BITS's its managers, jobs and files
 * offer.
 */
final class Extensions {
  private final JobEngine engine;
  private final List<EngineExtension> extensions;

  Extensions(JobEngine engine, List<EngineExtension> extensions) {
    this.engine = engine;
    this.extensions = List.copyOf(extensions);
  }

  <T> Optional<T> extension(Class<T> type) {
    return extensions.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** A persisted kind state: BITS's when there is none, else the extension's that wrote it. */
  JobKind decodeKind(String state) {
    if (state == null) {
      return JobKind.BITS;
    }
    for (EngineExtension extension : extensions) {
      JobKind kind = extension.decodeKind(state);
      if (kind != null) {
        return kind;
      }
    }
    throw new IllegalStateException("no extension of this engine knows the job state " + state);
  }

  FileExtension decodeFile(String state) {
    if (state == null) {
      return FileExtension.NONE;
    }
    for (EngineExtension extension : extensions) {
      FileExtension file = extension.decodeFile(state);
      if (file != null) {
        return file;
      }
    }
    throw new IllegalStateException("no extension of this engine knows the file state " + state);
  }

  <T> Optional<T> managerInterface(JobOwner caller, Class<T> type) {
    for (EngineExtension extension : extensions) {
      Optional<T> found = extension.managerInterface(caller, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  <T> Optional<T> jobInterface(Job job, JobOwner caller, Class<T> type) {
    for (EngineExtension extension : extensions) {
      Optional<T> found = extension.jobInterface(new JobRef(engine, job), caller, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  <T> Optional<T> fileInterface(Job job, JobFile file, JobOwner caller, Class<T> type) {
    for (EngineExtension extension : extensions) {
      Optional<T> found =
          extension.fileInterface(new JobRef(engine, job), file.index, caller, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
