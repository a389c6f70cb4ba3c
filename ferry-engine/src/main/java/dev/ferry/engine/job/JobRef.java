package dev.ferry.engine.job;

import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.transfer.CreatedFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One job as an extension works with it: snapshots ({@link #view}) and commands. Each command takes
 * the engine's lock itself and checks {@code caller}'s right, as the BITS handles' calls do, and
 * none may be made while a {@link JobKind} notification runs.
 */
public final class JobRef {
  private final JobEngine engine;
  private final Job job;

  JobRef(JobEngine engine, Job job) {
    this.engine = engine;
    this.job = job;
  }

  public UUID id() {
    return job.id;
  }

  /** The job's kind, with the extension's state of the job; fixed when it is made. */
  public JobKind kind() {
    return job.kind;
  }

  public JobOwner owner() {
    return engine.locked(() -> job.owner);
  }

  /** The job as it is now. */
  public JobView view() {
    return engine.locked(() -> viewOf(job));
  }

  /** The job as it is now, if {@code caller} may see it (E_ACCESSDENIED otherwise). */
  public JobView view(JobOwner caller) {
    return engine.locked(() -> {
      engine.checkReadable(caller, job);
      return viewOf(job);
    });
  }

  /** Fails as a change would: another's job, a final job, one being completed. */
  public void checkMutable(JobOwner caller) {
    engine.locked(() -> {
      engine.checkMutable(caller, job);
      return null;
    });
  }

  // --- files ---------------------------------------------------------------------------------

  /** Adds files, as AddFileSet adds them (all or none); their indices in the job. */
  public List<Integer> addFiles(JobOwner caller, List<NewFile> files) {
    List<JobIntake.NewFile> specs = new ArrayList<>();
    for (NewFile f : files) {
      specs.add(new JobIntake.NewFile(f.remoteUrl(), f.localName(), f.ranges(), f.extension()));
    }
    return engine.intake.addFiles(caller, job, specs).stream().map(file -> file.index).toList();
  }

  /** Adds ranges to a file whose ranges land in place; the job queues again. */
  public void extendRanges(JobOwner caller, int fileIndex, List<FileRange> more) {
    engine.files.extendRanges(caller, job, file(fileIndex), more);
  }

  /** Points a file that has not started at another destination, checked as AddFile checks it. */
  public void relocate(JobOwner caller, int fileIndex, String localName, FileExtension extension) {
    Path local = Validation.localPath(localName, engine.config);
    engine.files.relocate(caller, job, file(fileIndex), local, extension);
  }

  /**
   * Points a file that has not started at its staging file in the data directory: its bytes go to a
   * sink of the extension's, not to a destination.
   */
  public void relocateToSink(JobOwner caller, int fileIndex, FileExtension extension) {
    engine.files.relocate(caller, job, file(fileIndex), sinkPath(fileIndex), extension);
  }

  public void setRemoteName(JobOwner caller, int fileIndex, String url) {
    engine.files.setRemoteName(caller, job, file(fileIndex), url);
  }

  /** Persists the file's extension state, which the extension changed. */
  public void saveFile(int fileIndex) {
    engine.files.saveDelivery(job, file(fileIndex));
  }

  /** Gives a file another extension (a file added the BITS way that gains DO settings). */
  public void replaceExtension(int fileIndex, FileExtension extension) {
    JobFile file = file(fileIndex);
    engine.locked(() -> file.extension = extension);
    engine.files.saveDelivery(job, file);
  }

  /** The pieces of a file: which are done, where each lies; null before the size is known. */
  public PieceMap pieces(int fileIndex) {
    return file(fileIndex).state.pieces();
  }

  private JobFile file(int index) {
    return engine.locked(() -> {
      if (index < 0 || index >= job.files.size()) {
        throw new dev.ferry.api.FerryException(
            HResult.BG_E_FILE_NOT_AVAILABLE, "job " + job.id + " has no file " + index);
      }
      return job.files.get(index);
    });
  }

  // --- placement -----------------------------------------------------------------------------

  /** Where file {@code index} is staged when its bytes go to a sink. */
  public Path sinkPath(int fileIndex) {
    return engine.placement.sinkPath(job, fileIndex);
  }

  /**
   * Creates a destination exclusively (O_CREAT|O_EXCL, no link followed), as the job's owner where
   * the engine acts for others; fails with the errno's HRESULT.
   */
  public void createDestination(Path path) {
    CreatedFiles.create(path, engine.placement.actingFor(job));
  }

  /** Deletes a file the job wrote; false when it could not (logged). */
  public boolean deleteFile(Path path) {
    return engine.placement.deleteQuietly(job, path);
  }

  // --- state ---------------------------------------------------------------------------------

  public void resume(JobOwner caller) {
    engine.resume(caller, job);
  }

  public void suspend(JobOwner caller) {
    engine.suspend(caller, job);
  }

  public HResult cancel(JobOwner caller) {
    return engine.endings.cancel(caller, job);
  }

  public HResult complete(JobOwner caller) {
    return engine.endings.complete(caller, job);
  }

  /**
   * Changes the job's settings: checked as any change, persisted and notified; the scheduler looks
   * again (a priority may have changed).
   */
  public void update(JobOwner caller, Consumer<JobSettings> change) {
    engine.mutate(caller, job, j -> change.accept(new Settings(j)));
    engine.signal();
  }

  /** Persists the kind's state of the job, which the extension changed. */
  public void saveKind() {
    engine.files.saveDelivery(job, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobRef other && other.job == job;
  }

  @Override
  public int hashCode() {
    return job.id.hashCode();
  }

  @Override
  public String toString() {
    return "JobRef[" + job.id + "]";
  }

  /** Under the engine's lock. */
  static JobView viewOf(Job job) {
    List<FileView> files = new ArrayList<>(job.files.size());
    for (JobFile file : job.files) {
      files.add(
          new FileView(
              file.index,
              file.remoteUrl,
              file.localPath,
              job.writtenPath(file),
              file.state.bytesTotal(),
              file.state.bytesTransferred(),
              file.state.remoteSize(),
              file.state.isTransferred(),
              file.state.isCompleted(),
              file.state.responseHeaders(),
              file.state.response(),
              file.state.counters(),
              file.extension));
    }
    return new JobView(
        job.id,
        job.owner,
        job.kind,
        job.state,
        job.priority,
        job.displayName,
        job.customHeaders,
        job.noProgressTimeoutSeconds,
        Optional.ofNullable(job.failure),
        job.errorCount,
        job.resumedOnce,
        files,
        JobHandle.JobProperties.forSources(job));
  }

  /** A file to add: like AddFile, with what an extension adds to it. */
  public record NewFile(
      String remoteUrl, String localName, List<FileRange> ranges, FileExtension extension) {}

  /** The settings of a job not yet recorded, for {@link JobKernel#create}'s setup. */
  static JobSettings settingsOf(Job job) {
    return new Settings(job);
  }

  /** The settings an extension may change, on the job itself, under the engine's lock. */
  private static final class Settings implements JobSettings {
    private final Job job;

    Settings(Job job) {
      this.job = job;
    }

    @Override
    public JobView view() {
      return viewOf(job);
    }

    @Override
    public void displayName(String name) {
      Validation.displayName(name, HResult.E_INVALIDARG);
      job.displayName = name;
    }

    @Override
    public void customHeaders(String headers) {
      job.customHeaders = headers;
    }

    @Override
    public void priority(JobPriority priority) {
      job.priority = priority;
    }

    @Override
    public void noProgressTimeoutSeconds(long seconds) {
      job.noProgressTimeoutSeconds = seconds;
    }

    @Override
    public void minRetryDelaySeconds(long seconds) {
      job.minRetryDelaySeconds = seconds;
    }

    @Override
    public void cacheHosts(String hosts) {
      job.cacheHosts = hosts;
    }

    @Override
    public void cacheFallbackDelay(Integer seconds) {
      job.cacheFallbackDelay = seconds;
    }

    @Override
    public void contentDescription(String description) {
      job.contentDescription = description;
    }

    @Override
    public void peers(String peers) {
      job.peers = peers;
    }

    @Override
    public void downloadMode(Integer mode) {
      job.downloadMode = mode;
    }

    @Override
    public void httpDelay(Integer seconds) {
      job.httpDelay = seconds;
    }

    @Override
    public void minBackgroundQos(Long bytesPerSecond) {
      job.minBackgroundQos = bytesPerSecond;
    }

    @Override
    public void groupId(String groupId) {
      job.groupId = groupId;
    }

    @Override
    public void trackers(String trackers) {
      job.trackers = trackers;
    }
  }
}
