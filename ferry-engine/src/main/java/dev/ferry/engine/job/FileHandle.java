package dev.ferry.engine.job;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.FileProgress;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.FileRange;
import dev.ferry.api.JobOwner;
import java.util.List;

/** A caller's view of one file of a job. */
final class FileHandle implements BackgroundCopyFile {
  private final JobEngine engine;
  private final Job job;
  private final JobFile file;
  private final JobOwner caller;

  FileHandle(JobEngine engine, Job job, JobFile file, JobOwner caller) {
    this.engine = engine;
    this.job = job;
    this.file = file;
    this.caller = caller;
  }

  @Override
  public String remoteName() {
    return engine.locked(() -> {
      engine.checkReadable(caller, job);
      return file.remoteUrl;
    });
  }

  @Override
  public String localName() {
    return file.localPath.toString();
  }

  @Override
  public FileProgress progress() {
    return new FileProgress(
        file.state.bytesTotal(), file.state.bytesTransferred(), file.state.isCompleted());
  }

  @Override
  public List<FileRange> fileRanges() {
    return file.state.ranges();
  }

  @Override
  public void setRemoteName(String remoteUrl) {
    engine.files.setRemoteName(caller, job, file, remoteUrl);
  }

  @Override
  public String temporaryName() {
    return job.writtenPath(file).toString();
  }

  @Override
  public String getProperty(FilePropertyId id) {
    ArgumentRules.propertyId(id);
    engine.locked(() -> {
      engine.checkReadable(caller, job);
      return null;
    });
    return switch (id) {
      case HTTP_RESPONSE_HEADERS -> file.state.responseHeaders();
    };
  }

  @Override
  public void setProperty(FilePropertyId id, String value) {
    ArgumentRules.setFileProperty(id);
  }

  /** The extensions' interfaces on the file: DO's IDeliveryOptimizationFile. */
  @Override
  public <T> java.util.Optional<T> queryInterface(Class<T> type) {
    java.util.Optional<T> own = BackgroundCopyFile.super.queryInterface(type);
    return own.isPresent() ? own : engine.extensions.fileInterface(job, file, caller, type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileHandle other && other.file == file;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(file);
  }

  @Override
  public String toString() {
    return "BackgroundCopyFile[" + file.remoteUrl + " -> " + file.localPath + "]";
  }
}
