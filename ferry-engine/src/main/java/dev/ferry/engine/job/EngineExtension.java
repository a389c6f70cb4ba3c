package dev.ferry.engine.job;

import dev.ferry.api.JobOwner;
import java.util.Optional;

/**
 * A part that adds to the engine without being part of its core: kinds of jobs of its own (a DO
 * download), what it adds to files ({@link FileExtension}), and interfaces of its own on the
 * engine's managers, jobs and files, reached as COM's QueryInterface reaches them ({@code
 * BackgroundCopyJob.queryInterface}). The engine asks each extension in turn.
 */
public interface EngineExtension {
  /** Makes the extension for one engine. */
  @FunctionalInterface
  interface Factory {
    EngineExtension attach(JobKernel kernel);
  }

  /** The kind whose persisted state this is, if this extension wrote it; else null. */
  default JobKind decodeKind(String state) {
    return null;
  }

  /** The file extension whose persisted state this is, if this extension wrote it; else null. */
  default FileExtension decodeFile(String state) {
    return null;
  }

  /** An interface of this extension on the manager of {@code caller}. */
  default <T> Optional<T> managerInterface(JobOwner caller, Class<T> type) {
    return Optional.empty();
  }

  /** An interface of this extension on a job, for {@code caller}. */
  default <T> Optional<T> jobInterface(JobRef job, JobOwner caller, Class<T> type) {
    return Optional.empty();
  }

  /** An interface of this extension on a job's file, for {@code caller}. */
  default <T> Optional<T> fileInterface(JobRef job, int fileIndex, JobOwner caller, Class<T> type) {
    return Optional.empty();
  }
}
