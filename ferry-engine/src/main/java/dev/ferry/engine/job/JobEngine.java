package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.api.JobType;
import dev.ferry.api.NotifyFlag;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.bandwidth.BucketThrottle;
import dev.ferry.engine.bandwidth.TokenBucket;
import dev.ferry.engine.notify.Notifier;
import dev.ferry.engine.schedule.Decision;
import dev.ferry.engine.schedule.JobSnapshot;
import dev.ferry.engine.schedule.Scheduler;
import dev.ferry.engine.store.FileRow;
import dev.ferry.engine.store.JobRow;
import dev.ferry.engine.store.Store;
import dev.ferry.engine.transfer.FileTransfer;
import dev.ferry.engine.transfer.Throttle;
import dev.ferry.file.LocalFileSource;
import dev.ferry.http.HttpSource;
import dev.ferry.http.ProxySelection;
import dev.ferry.spi.Source;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: the queue of jobs, their state machine (reference §10.2), the scheduler and the
 * transfers. One lock guards every job; it is never held across network or file I/O other than the
 * store's small synchronous writes.
 */
public final class JobEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobEngine.class);
  static final long MIN_RETRY_DELAY_FLOOR_SECONDS = 5;
  private static final long MAX_RETRY_AFTER_SECONDS = 3600;

  final EngineConfig config;
  private final dev.ferry.spi.Clock clock;
  private final Scheduler scheduler;
  private final Path dataDir;
  private final Store store;
  private final FileChannel lockChannel;
  private final FileLock dataLock;
  private final HttpSource http;
  private final LocalFileSource localFiles = new LocalFileSource();
  private final dev.ferry.engine.notify.CommandLineNotifier commandLines =
      new dev.ferry.engine.notify.CommandLineNotifier(dev.ferry.engine.Ferry.currentUser().uid());
  final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();

  /** Every job not in a final state, in creation order. */
  private final Map<UUID, Job> jobs = new LinkedHashMap<>();

  /**
   * Runners asked to stop that have not ended yet; a job does not restart until its runner ends.
   */
  private final Map<Job, JobRunner> exiting = new java.util.IdentityHashMap<>();

  private final Set<Job> busy = new HashSet<>();
  private static final String POLICY_KEY = "bandwidth_policy";
  private volatile BandwidthPolicy policy = BandwidthPolicy.DEFAULT;
  private volatile boolean foregroundActive;
  private final TokenBucket globalBucket;
  private final TokenBucket foregroundBucket;
  private final TokenBucket backgroundBucket;
  private final List<JobListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static final long PROGRESS_EVENT_INTERVAL_NANOS = 250_000_000L;
  private final Thread schedulerThread;
  private boolean closed;
  private long nextSequence;

  private JobEngine(
      Path dataDir, EngineConfig config, Store store, FileChannel lockChannel, FileLock dataLock) {
    this.dataDir = dataDir;
    this.config = config;
    this.clock = config.clock();
    this.scheduler = new Scheduler(config.maxBackgroundTransfers(), config.timeSlice());
    this.globalBucket = new TokenBucket(() -> policy.global(), clock);
    this.foregroundBucket = new TokenBucket(() -> policy.foreground(), clock);
    this.backgroundBucket =
        new TokenBucket(() -> policy.backgroundAt(clock.dateTime(), foregroundActive), clock);
    this.store = store;
    this.lockChannel = lockChannel;
    this.dataLock = dataLock;
    this.http =
        new HttpSource(
            config.connectTimeout(),
            config.readTimeout(),
            new ProxySelection(config.environment()),
            config.tls(),
            // One FOREGROUND job at full stretch: every file it transfers at once, fully ramped.
            config.connectionsPerFile() * config.filesInParallel(),
            clock);
    recover();
    this.policy =
        store
            .setting(POLICY_KEY)
            .map(dev.ferry.engine.bandwidth.PolicyCodec::decode)
            .orElse(BandwidthPolicy.DEFAULT);
    // A clock that jumps (a test's) makes the scheduler look again at once.
    clock.onAdvance(this::signal);
    this.schedulerThread = Thread.ofVirtual().name("ferry-scheduler").unstarted(this::scheduleLoop);
  }

  /**
   * Opens the engine over {@code dataDir}, creating it (mode 0700) when needed. Only one engine may
   * use a data directory at a time.
   */
  public static JobEngine open(Path dataDir, EngineConfig config) {
    Path dir = dataDir.toAbsolutePath();
    FileChannel channel = null;
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      channel =
          FileChannel.open(
              dir.resolve("ferry.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fileLock;
      try {
        fileLock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        fileLock = null;
      }
      if (fileLock == null) {
        channel.close();
        throw new FerryException(
            HResult.E_ACCESSDENIED,
            "the data directory "
                + dir
                + " is in use by another Ferry engine (is ferryd running?)");
      }
      Store store = Store.open(dir.resolve("ferry.db"), config.bootId());
      JobEngine engine = new JobEngine(dir, config, store, channel, fileLock);
      engine.schedulerThread.start();
      return engine;
    } catch (IOException e) {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // Reporting the first failure matters more.
      }
      throw new FerryException(
          HResult.E_ACCESSDENIED.value(),
          "cannot open the data directory " + dir + ": " + e.getMessage(),
          e);
    }
  }

  public Path dataDir() {
    return dataDir;
  }

  dev.ferry.spi.Clock clock() {
    return clock;
  }

  /** A manager acting for {@code caller}; closing it leaves the engine running. */
  public dev.ferry.api.BackgroundCopyManager manager(JobOwner caller) {
    return new ManagerView(this, caller, false);
  }

  /** The DO download manager (IDOManager) acting for {@code caller}. */
  public dev.ferry.api.delivery.DeliveryManager deliveryManager(JobOwner caller) {
    return deliveryManager(caller, DownloadPlacement.STAGED);
  }

  /** The DO download manager acting for {@code caller}, creating downloads placed as given. */
  public dev.ferry.api.delivery.DeliveryManager deliveryManager(
      JobOwner caller, DownloadPlacement placement) {
    return new DeliveryView(this, caller, placement);
  }

  /** A manager acting for {@code caller} that closes the engine when it is closed. */
  public dev.ferry.api.BackgroundCopyManager ownedManager(JobOwner caller) {
    return ManagerView.owning(this, caller);
  }

  // --- recovery --------------------------------------------------------------------------------

  private void recover() {
    Map<JobRow, List<FileRow>> rows = store.loadAll();
    long maxSequence = 0;
    for (Map.Entry<JobRow, List<FileRow>> entry : rows.entrySet()) {
      JobRow row = entry.getKey();
      maxSequence = Math.max(maxSequence, row.sequence());
      Job job = Job.fromRow(row, newNotifier(row.id()), clock);
      job.addFiles(entry.getValue().stream().map(JobFile::fromRow).toList());
      if (job.state.isFinal()) {
        // The process died between recording Cancel/Complete and finishing it: finish it now.
        finishFinal(job);
        continue;
      }
      if (isVolatile(job)) {
        // DO keeps a download only when it is NonVolatile; a sink lived in the process that died.
        job.state = JobState.CANCELLED;
        finishFinal(job);
        continue;
      }
      boolean refetch = false;
      for (JobFile file : job.files) {
        if (!job.writesInPlace()
            && file.state.isTransferred()
            && !file.state.isCompleted()
            && !Files.exists(file.tempPath)
            && Files.exists(file.localPath)) {
          // Complete renamed this file, then the process died before recording it. The rename is
          // atomic, so the file is in place: record that instead of forgetting its bytes, which
          // would leave a TRANSFERRED job with an untransferred file (and PARTIAL_COMPLETE next).
          file.state.markCompleted();
          store.updateFile(file.toRow(job.id));
          continue;
        }
        boolean dataGone =
            !file.state.isCompleted()
                && !Files.exists(job.writtenPath(file), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (dataGone || (job.highPerformance && !file.state.isTransferred())) {
          file.state.forget();
        }
        // A transferred file whose last pieces were not flushed when the machine went down.
        refetch |=
            !dataGone
                && job.state == JobState.TRANSFERRED
                && !file.state.isTransferred()
                && !file.state.isCompleted();
      }
      if (refetch) {
        log.info("job {} fetches again what a restart of the machine lost of its files", job.id);
      }
      if (job.state == JobState.CONNECTING || job.state == JobState.TRANSFERRING || refetch) {
        job.state = JobState.QUEUED;
      }
      jobs.put(job.id, job);
    }
    nextSequence = maxSequence + 1;
  }

  private static boolean isVolatile(Job job) {
    if (job.download != null
        && !job.download.flag(dev.ferry.api.delivery.DownloadProperty.NON_VOLATILE)) {
      return true;
    }
    return job.files.stream().anyMatch(f -> f.delivery.sink());
  }

  private void finishFinal(Job job) {
    if (job.state == JobState.ACKNOWLEDGED) {
      for (JobFile file : job.files) {
        if (!file.state.isCompleted() && file.state.isTransferred() && !job.writesInPlace()) {
          try {
            moveIntoPlace(job, file);
          } catch (IOException e) {
            log.warn(
                "could not finish renaming {} of acknowledged job {}", file.localPath, job.id, e);
          }
        }
      }
    }
    deleteWrittenFiles(job, job.state == JobState.ACKNOWLEDGED);
    store.deleteJob(job.id);
  }

  // --- queries -----------------------------------------------------------------------------------

  <T> T locked(Supplier<T> work) {
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The job, if {@code caller} may see it; BG_E_NOT_FOUND otherwise, so existence does not leak.
   */
  Job find(JobOwner caller, UUID id) {
    return locked(() -> {
      Job job = jobs.get(id);
      if (job == null || job.download != null || !mayAccess(caller, job)) {
        throw new FerryException(HResult.BG_E_NOT_FOUND, "no job " + id);
      }
      return job;
    });
  }

  List<Job> list(JobOwner caller, boolean allUsers) {
    if (allUsers && !caller.isAdministrator()) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "only an administrator may list every user's jobs");
    }
    return locked(() ->
        jobs.values().stream()
            .filter(j -> j.download == null && (allUsers || j.owner.uid() == caller.uid()))
            .toList());
  }

  /** The caller's DO download; DO_E_JOB_NOT_FOUND for anything else, so nothing leaks. */
  Job findDownload(JobOwner caller, UUID id) {
    return locked(() -> {
      Job job = jobs.get(id);
      if (job == null || job.download == null || job.owner.uid() != caller.uid()) {
        throw new FerryException(HResult.DO_E_JOB_NOT_FOUND, "no download " + id);
      }
      return job;
    });
  }

  /** The caller's own downloads that are not final (IDOManager::EnumDownloads). */
  List<Job> downloads(JobOwner caller) {
    return locked(() ->
        jobs.values().stream()
            .filter(j -> j.download != null && j.owner.uid() == caller.uid())
            .toList());
  }

  /** Every job and download of the caller that is not final. */
  List<Job> everything(JobOwner caller) {
    return locked(() -> jobs.values().stream().filter(j -> j.owner.uid() == caller.uid()).toList());
  }

  static boolean mayAccess(JobOwner caller, Job job) {
    return caller.isAdministrator() || job.owner.uid() == caller.uid();
  }

  /** Checks, under the lock, that the caller may change the job and that it is not final. */
  void checkMutable(JobOwner caller, Job job) {
    if (!mayAccess(caller, job)) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "job " + job.id + " belongs to another user");
    }
    if (job.state.isFinal()) {
      throw new FerryException(HResult.BG_E_INVALID_STATE, "job " + job.id + " is " + job.state);
    }
    if (busy.contains(job)) {
      throw new FerryException(HResult.BG_E_INVALID_STATE, "job " + job.id + " is being completed");
    }
  }

  void checkReadable(JobOwner caller, Job job) {
    if (!mayAccess(caller, job)) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "job " + job.id + " belongs to another user");
    }
  }

  /** Applies a property change: checks, changes, timestamps, persists and notifies. */
  void mutate(JobOwner caller, Job job, java.util.function.Consumer<Job> change) {
    lock.lock();
    try {
      checkMutable(caller, job);
      change.accept(job);
      touch(job);
      persist(job);
      modified(job);
    } finally {
      lock.unlock();
    }
  }

  // --- creating jobs and adding files ----------------------------------------------------------

  Job create(JobOwner caller, String displayName, JobType type) {
    return create(caller, displayName, type, null);
  }

  /** Creates a DO download: a job of its own kind, hidden from the BITS job list. */
  Job createDownload(JobOwner caller, DownloadPlacement placement) {
    DownloadRecord record = new DownloadRecord();
    record.placement = placement;
    return create(caller, "", JobType.DOWNLOAD, record);
  }

  private Job create(JobOwner caller, String displayName, JobType type, DownloadRecord download) {
    Validation.displayName(displayName, HResult.E_INVALIDARG);
    if (type == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a job type is required");
    }
    if (type != JobType.DOWNLOAD) {
      throw new FerryException(
          HResult.E_NOTIMPL,
          "Ferry transfers download jobs only; " + type + " jobs are not supported yet");
    }
    lock.lock();
    try {
      ensureOpen();
      if (!caller.isAdministrator()) {
        long own = jobs.values().stream().filter(j -> j.owner.uid() == caller.uid()).count();
        if (own >= config.maxJobsPerUser()) {
          throw new FerryException(
              HResult.BG_E_TOO_MANY_JOBS_PER_USER, "the user already has " + own + " jobs");
        }
        if (jobs.size() >= config.maxJobsPerMachine()) {
          throw new FerryException(
              HResult.BG_E_TOO_MANY_JOBS_PER_MACHINE,
              "the machine already has " + jobs.size() + " jobs");
        }
      }
      UUID id = UUID.randomUUID();
      Job job =
          new Job(
              id,
              nextSequence++,
              type,
              caller,
              displayName,
              clock.millis(),
              newNotifier(id),
              clock);
      job.notifyFlags = NotifyFlag.toMask(NotifyFlag.DEFAULT);
      job.costFlags = dev.ferry.api.CostFlags.TRANSFER_ALWAYS;
      if (download != null) {
        job.download = download;
        job.minRetryDelaySeconds = config.downloadRetryDelay().toSeconds();
        job.noProgressTimeoutSeconds = DownloadHandle.BACKGROUND_NO_PROGRESS_SECONDS;
      }
      write(job, () -> store.insertJob(job.toRow()));
      jobs.put(id, job);
      publish(job, JobEvent.Kind.CHANGED, -1);
      return job;
    } finally {
      lock.unlock();
    }
  }

  /** A file to add, already validated except against the job's own state. */
  record NewFile(
      String remoteUrl, String localName, List<FileRange> ranges, DeliverySettings delivery) {
    NewFile(String remoteUrl, String localName, List<FileRange> ranges) {
      this(remoteUrl, localName, ranges, DeliverySettings.NONE);
    }
  }

  List<JobFile> addFiles(JobOwner caller, Job job, List<NewFile> newFiles) {
    if (newFiles == null || newFiles.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "no files given");
    }
    List<Path> paths = new ArrayList<>();
    for (NewFile f : newFiles) {
      Validation.remoteUrl(f.remoteUrl(), config);
      paths.add(Validation.localPath(f.localName(), config));
      if (f.ranges() != null) {
        Validation.ranges(f.ranges(), config.maxRangesPerFile(), caller.isAdministrator());
      }
    }
    lock.lock();
    try {
      checkMutable(caller, job);
      if (job.type != JobType.DOWNLOAD) {
        throw new FerryException(HResult.BG_E_TOO_MANY_FILES, "upload jobs take exactly one file");
      }
      if (!caller.isAdministrator()
          && job.files.size() + newFiles.size() > config.maxFilesPerJob()) {
        throw new FerryException(
            HResult.BG_E_TOO_MANY_FILES_IN_JOB,
            "a job may have at most " + config.maxFilesPerJob() + " files");
      }
      Set<Path> taken = new HashSet<>();
      for (JobFile existing : job.files) {
        taken.add(existing.localPath);
      }
      List<JobFile> added = new ArrayList<>();
      for (int i = 0; i < newFiles.size(); i++) {
        NewFile f = newFiles.get(i);
        Path local = paths.get(i);
        if (!taken.add(local)) {
          throw new FerryException(HResult.E_INVALIDARG, "the job already writes " + local);
        }
        List<FileRange> ranges = f.ranges() == null ? List.of() : f.ranges();
        if (!ranges.isEmpty() && (job.dynamicContent || job.onDemand)) {
          throw new FerryException(
              HResult.BG_E_UNSUPPORTED_JOB_CONFIGURATION,
              "file ranges cannot be combined with DYNAMIC_CONTENT or ON_DEMAND_MODE");
        }
        int index = job.files.size() + i;
        Path temp = JobFile.tempPathFor(local, job.id, index);
        JobFile file =
            new JobFile(
                index,
                f.remoteUrl(),
                local,
                temp,
                new dev.ferry.engine.transfer.FileState(
                    ranges, f.delivery().inPlace(), config.pieceSize()));
        file.delivery = f.delivery();
        added.add(file);
      }
      job.addFiles(added);
      touch(job);
      try {
        write(
            job,
            () ->
                store.addFiles(
                    job.toRow(), added.stream().map(file -> file.toRow(job.id)).toList()));
      } catch (RuntimeException e) {
        job.removeFiles(added);
        throw e;
      }
      publish(job, JobEvent.Kind.CHANGED, -1);
      modified(job);
      return added;
    } finally {
      lock.unlock();
    }
  }

  // --- state changes -----------------------------------------------------------------------------

  void resume(JobOwner caller, Job job) {
    mutate(
        caller,
        job,
        j -> {
          if (j.files.isEmpty()) {
            throw new FerryException(
                HResult.BG_E_EMPTY, "the job has no files; add one before resuming");
          }
          for (JobFile file : j.files) {
            if (file.delivery.sinkUnset()) {
              throw new FerryException(
                  HResult.DO_E_FILE_DOWNLOADSINK_UNSPECIFIED,
                  "file "
                      + file.index
                      + " has neither a sink path nor a sink interface; set one before resuming");
            }
          }
          j.resumedOnce = true;
          switch (j.state) {
            case SUSPENDED, ERROR, TRANSIENT_ERROR, TRANSFERRED -> {
              j.state = JobState.QUEUED;
              j.transientSinceMs = 0;
              j.retryAtMs = 0;
              if (j.download != null) {
                j.download.noProgress = false;
              }
            }
            default -> {}
          }
          wake.signalAll();
        });
  }

  void suspend(JobOwner caller, Job job) {
    mutate(
        caller,
        job,
        j -> {
          stopRunner(j);
          j.state = JobState.SUSPENDED;
          wake.signalAll();
        });
  }

  HResult cancel(JobOwner caller, Job job) {
    JobRunner stopped;
    lock.lock();
    try {
      checkMutable(caller, job);
      stopped = stopRunner(job);
      job.state = JobState.CANCELLED;
      touch(job);
      persist(job);
      jobs.remove(job.id);
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    awaitExit(job, stopped);
    boolean deletedAll = deleteWrittenFiles(job, false);
    store.deleteJob(job.id);
    job.notifier.close();
    return deletedAll ? HResult.S_OK : HResult.BG_S_UNABLE_TO_DELETE_FILES;
  }

  HResult complete(JobOwner caller, Job job) {
    JobRunner stopped;
    JobState before;
    lock.lock();
    try {
      checkMutable(caller, job);
      before = job.state;
      stopped = stopRunner(job);
      if (before.isAction()) {
        job.state = JobState.SUSPENDED;
      }
      busy.add(job);
    } finally {
      lock.unlock();
    }
    awaitExit(job, stopped);
    try {
      boolean partial = false;
      for (JobFile file : job.files) {
        if (file.state.isCompleted()) {
          continue;
        }
        if (!file.state.isTransferred()) {
          partial = true;
          continue;
        }
        if (!job.writesInPlace()) {
          try {
            moveIntoPlace(job, file);
          } catch (IOException e) {
            int code =
                e instanceof java.nio.file.AccessDeniedException
                    ? HResult.E_ACCESSDENIED.value()
                    : HResult.ERROR_WRITE_FAULT.value();
            lock.lock();
            try {
              job.state = before == JobState.TRANSFERRED ? JobState.TRANSFERRED : job.state;
              touch(job);
              // Files renamed before this one are in place: record them with the state.
              store.update(job.toRow(), job.files.stream().map(f -> f.toRow(job.id)).toList());
              publish(job, JobEvent.Kind.CHANGED, -1);
            } finally {
              lock.unlock();
            }
            throw new FerryException(
                code,
                "could not move " + file.tempPath + " to " + file.localPath + ": " + e.getMessage(),
                e);
          }
        }
        file.state.markCompleted();
      }
      lock.lock();
      try {
        job.state = JobState.ACKNOWLEDGED;
        touch(job);
        // One commit for the state and every renamed file: a crash before it is repaired at the
        // next start (a renamed file is found in place), so a thousand files cost one disk flush.
        store.update(job.toRow(), job.files.stream().map(f -> f.toRow(job.id)).toList());
        publish(job, JobEvent.Kind.CHANGED, -1);
        jobs.remove(job.id);
      } finally {
        lock.unlock();
      }
      boolean deletedAll = deleteWrittenFiles(job, true);
      store.deleteJob(job.id);
      job.notifier.close();
      if (!deletedAll) {
        return HResult.BG_S_UNABLE_TO_DELETE_FILES;
      }
      return partial ? HResult.BG_S_PARTIAL_COMPLETE : HResult.S_OK;
    } finally {
      lock.lock();
      try {
        busy.remove(job);
        wake.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Deletes one file the job wrote, as its owner where this engine acts for others; false (and a
   * warning) when it could not.
   */
  boolean deleteQuietly(Job job, Path file) {
    try {
      JobOwner owner = actingFor(job);
      if (owner != null) {
        dev.ferry.engine.transfer.OwnerFiles.delete(file, owner);
      } else {
        Files.deleteIfExists(file);
      }
      return true;
    } catch (IOException e) {
      log.warn("could not delete {} of job {}", file, job.id, e);
      return false;
    }
  }

  /** The owner to act for when this engine works as root for other users, else null. */
  JobOwner actingFor(Job job) {
    return config.actForOwners() && dev.ferry.engine.transfer.OwnerFiles.actsFor(job.owner)
        ? job.owner
        : null;
  }

  private void moveIntoPlace(Job job, JobFile file) throws IOException {
    JobOwner owner = actingFor(job);
    if (owner != null) {
      dev.ferry.engine.transfer.OwnerFiles.move(file.tempPath, file.localPath, owner);
      return;
    }
    Files.move(
        file.tempPath,
        file.localPath,
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Deletes what the job wrote and did not hand over: every temporary file, and for a
   * high-performance job the destination files it wrote directly (unless completed).
   */
  private boolean deleteWrittenFiles(Job job, boolean keepCompleted) {
    boolean all = true;
    for (JobFile file : job.files) {
      Path written = job.writtenPath(file);
      if (keepCompleted && file.state.isCompleted()) {
        // In place: a high-performance job's file stays; anyone else's temporary file was
        // renamed, and nothing is left to delete.
        continue;
      }
      all &= deleteQuietly(job, written);
    }
    return all;
  }

  void takeOwnership(JobOwner caller, Job job) {
    if (!caller.isAdministrator()) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "only an administrator may take ownership of a job");
    }
    mutate(
        caller,
        job,
        j -> {
          j.owner = caller;
          j.customHeaders = null;
          j.notifyCmdLine = null;
        });
  }

  void setPriority(JobOwner caller, Job job, JobPriority priority) {
    if (priority == null) {
      throw new FerryException(HResult.E_NOTIMPL, "a priority is required");
    }
    mutate(caller, job, j -> j.priority = priority);
    signal();
  }

  void setNotifyInterface(JobOwner caller, Job job, BackgroundCopyCallback callback) {
    lock.lock();
    try {
      checkMutable(caller, job);
      job.callback = callback;
      touch(job);
      persist(job);
      modified(job);
      if (callback == null) {
        return;
      }
      if (job.state == JobState.TRANSFERRED) {
        notifyTransferred(job);
      } else if (job.state == JobState.ERROR) {
        notifyError(job);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds ranges to an in-place file (a DO download started again for another part): the runner
   * stops first, so no transfer sees the piece map change under it, and the job queues again.
   */
  void extendRanges(JobOwner caller, Job job, JobFile file, List<FileRange> more) {
    Validation.ranges(more, config.maxRangesPerFile(), caller.isAdministrator());
    JobRunner stopped;
    lock.lock();
    try {
      checkMutable(caller, job);
      stopped = stopRunner(job);
      busy.add(job);
    } finally {
      lock.unlock();
    }
    awaitExit(job, stopped);
    lock.lock();
    try {
      file.state.addRanges(more);
      if (job.state.isAction() || job.state == JobState.TRANSFERRED) {
        job.state = JobState.QUEUED;
      }
      touch(job);
      store.update(job.toRow(), List.of(file.toRow(job.id)));
      publish(job, JobEvent.Kind.CHANGED, -1);
      modified(job);
    } finally {
      busy.remove(job);
      wake.signalAll();
      lock.unlock();
    }
  }

  /**
   * Points a file that has not started at a new place: DO's DownloadSinkFilePath, or a sink file in
   * the data directory when the bytes go to a caller's sink.
   */
  void relocate(JobOwner caller, Job job, JobFile file, Path local, DeliverySettings delivery) {
    lock.lock();
    try {
      checkMutable(caller, job);
      if (file.state.bytesTransferred() > 0 || file.state.isTransferred()) {
        throw new FerryException(
            HResult.DO_E_INVALID_STATE, "file " + file.index + " has started; its sink is fixed");
      }
      for (JobFile other : job.files) {
        if (other != file && other.localPath.equals(local)) {
          throw new FerryException(HResult.E_INVALIDARG, "the job already writes " + local);
        }
      }
      file.localPath = local;
      file.tempPath = JobFile.tempPathFor(local, job.id, file.index);
      file.delivery = delivery;
      touch(job);
      store.update(job.toRow(), List.of(file.toRow(job.id)));
      modified(job);
    } finally {
      lock.unlock();
    }
  }

  /** Where a file whose bytes go to a sink is staged: the owner's corner of the data directory. */
  Path sinkPath(Job job, int index) {
    Path dir = dataDir.resolve("sinks").resolve(Long.toString(job.owner.uid()));
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      throw new FerryException(
          HResult.ERROR_WRITE_FAULT, "cannot prepare the sink directory " + dir + ": " + e);
    }
    return dir.resolve(job.id + "-" + index + ".data");
  }

  /** Persists changes made to a job's DO record or file settings under the lock. */
  void saveDelivery(Job job, JobFile file) {
    lock.lock();
    try {
      if (!jobs.containsKey(job.id)) {
        return;
      }
      touch(job);
      if (file == null) {
        persist(job);
      } else {
        store.update(job.toRow(), List.of(file.toRow(job.id)));
      }
      modified(job);
      wake.signalAll(); // a priority may have changed
    } finally {
      lock.unlock();
    }
  }

  void setRemoteName(JobOwner caller, Job job, JobFile file, String url) {
    Validation.remoteUrl(url, config);
    lock.lock();
    try {
      checkMutable(caller, job);
      file.remoteUrl = url;
      if (job.isRunning()) {
        stopRunner(job);
        job.state = JobState.QUEUED;
      }
      touch(job);
      store.update(job.toRow(), List.of(file.toRow(job.id)));
      publish(job, JobEvent.Kind.CHANGED, -1);
      modified(job);
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // --- scheduling -------------------------------------------------------------------------------

  private void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void scheduleLoop() {
    lock.lock();
    try {
      while (!closed) {
        long waitMs = schedule();
        wake.await(waitMs, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("the scheduler stopped", e);
    } finally {
      lock.unlock();
    }
  }

  /** One scheduling pass, under the lock: returns how long to wait before the next pass. */
  private long schedule() {
    long nowMs = clock.millis();
    java.time.LocalDateTime now =
        java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(nowMs), clock.zone());
    List<JobSnapshot> snapshots = new ArrayList<>(jobs.size());
    for (Job job : jobs.values()) {
      snapshots.add(snapshot(job));
    }
    Scheduler.Plan plan = scheduler.plan(snapshots, policy, nowMs, now, clock.nanoTime());
    for (Decision decision : plan.decisions()) {
      Job job = jobs.get(decision.job());
      switch (decision) {
        case Decision.Block b -> blockByPolicy(job, b.untilMs());
        case Decision.Unblock u -> requeue(job);
        case Decision.Retry r -> requeue(job);
        case Decision.TimeOut t -> enterError(job, true);
        case Decision.Start s -> start(job);
        case Decision.Preempt p -> preempt(job);
      }
    }
    foregroundActive = plan.foregroundActive();
    return plan.waitMs();
  }

  private JobSnapshot snapshot(Job job) {
    return new JobSnapshot(
        job.id,
        job.priority,
        job.state,
        job.isRunning(),
        !exiting.containsKey(job) && !busy.contains(job),
        blockedByPolicy(job),
        job.transientSinceMs,
        job.noProgressTimeoutSeconds,
        job.retryAtMs,
        job.lastRunMs,
        job.sequence,
        job.sliceStartNanos);
  }

  private void requeue(Job job) {
    job.state = JobState.QUEUED;
    touch(job);
    persist(job);
    modified(job);
  }

  /**
   * Inside a window whose background cap is 0, background jobs wait in TRANSIENT_ERROR with
   * BG_E_BLOCKED_BY_POLICY (not counted as errors, and immune to the no-progress timeout) until it
   * ends.
   */
  private void blockByPolicy(Job job, long untilMs) {
    stopRunner(job);
    job.state = JobState.TRANSIENT_ERROR;
    job.failure =
        new Job.Failure(
            ErrorContext.GENERAL_QUEUE_MANAGER,
            HResult.BG_E_BLOCKED_BY_POLICY.value(),
            -1,
            null,
            "background transfers are blocked by the bandwidth policy");
    job.retryAtMs = untilMs;
    touch(job);
    persist(job);
    modified(job);
  }

  // --- bandwidth policy -----------------------------------------------------------------------

  /** The policy in force; changes apply at once, to running transfers too. */
  public BandwidthPolicy bandwidthPolicy() {
    return policy;
  }

  /** Changes the policy, durably: it holds across restarts. */
  public void setBandwidthPolicy(BandwidthPolicy newPolicy) {
    store.putSetting(POLICY_KEY, dev.ferry.engine.bandwidth.PolicyCodec.encode(newPolicy));
    policy = java.util.Objects.requireNonNull(newPolicy);
    signal();
  }

  private static boolean blockedByPolicy(Job job) {
    return job.state == JobState.TRANSIENT_ERROR
        && job.failure != null
        && job.failure.code() == HResult.BG_E_BLOCKED_BY_POLICY.value();
  }

  /** The job's own cap, then its class's, then everything's. */
  private Throttle throttleFor(Job job) {
    return new BucketThrottle(
        List.of(
            job.rateCap,
            job.priority == JobPriority.FOREGROUND ? foregroundBucket : backgroundBucket,
            globalBucket));
  }

  private void start(Job job) {
    if (job.priority == JobPriority.FOREGROUND) {
      // Background jobs yield from this moment, not from the end of the scheduling pass.
      foregroundActive = true;
    }
    job.state = JobState.CONNECTING;
    touch(job);
    persistRelaxed(job);
    modified(job);
    JobRunner runner = new JobRunner(this, job);
    job.runner = runner;
    job.sliceStartNanos = clock.nanoTime();
    runner.start();
  }

  private void preempt(Job job) {
    stopRunner(job);
    job.state = JobState.QUEUED;
    job.lastRunMs = clock.millis();
    touch(job);
    persist(job);
    modified(job);
  }

  /** Detaches and stops the job's runner (under the lock); returns it so the caller may wait. */
  private JobRunner stopRunner(Job job) {
    JobRunner runner = job.runner;
    if (runner != null) {
      job.runner = null;
      exiting.put(job, runner);
      runner.stop();
    }
    return runner != null ? runner : exiting.get(job);
  }

  private void awaitExit(Job job, JobRunner runner) {
    if (runner != null) {
      runner.join();
    }
    JobRunner other = locked(() -> exiting.get(job));
    if (other != null && other != runner) {
      other.join();
    }
  }

  // --- reports from runners
  // ------------------------------------------------------------------------

  /** The origin of {@code uri}: the source that says it fetches such URLs (HTTP by default). */
  Source sourceFor(URI uri) {
    return localFiles.isOriginFor(uri) ? localFiles : http;
  }

  /**
   * How many of the job's files transfer at once: a FOREGROUND job's several, a background job's
   * one, in order.
   */
  int filesInParallel(Job job) {
    return locked(() ->
        job.priority == JobPriority.FOREGROUND && !job.dynamicContent && job.download == null
            ? Math.min(config.filesInParallel(), job.files.size())
            : 1);
  }

  /**
   * Foreground jobs may open several connections per file, like any interactive downloader, as many
   * as the origin says pay; background jobs use one, so they stay out of the way of everything
   * else.
   */
  private int connectionsFor(Job job, JobFile file) {
    int most = sourceFor(URI.create(file.remoteUrl)).connectionLimit();
    return job.priority == JobPriority.FOREGROUND && !job.dynamicContent
        ? Math.min(config.connectionsPerFile(), most)
        : 1;
  }

  JobRunner.Plan nextFile(JobRunner runner, Job job) {
    return locked(() -> {
      if (job.runner != runner) {
        return null;
      }
      // Files go in order and stay done, so the search starts where the runner's last one was:
      // a job of a thousand files does not look at every earlier file again for each new one.
      for (int i = runner.nextFileHint; i < job.files.size(); i++) {
        JobFile file = job.files.get(i);
        if (!file.state.isTransferred()
            && !file.state.isCompleted()
            && !runner.inFlight.contains(file)) {
          // Files before the hint are done or taken: a taken one that stops unfinished stops
          // the whole runner, so no later search needs to look at it again.
          runner.nextFileHint = i;
          runner.inFlight.add(file);
          FileTransfer.Settings settings =
              new FileTransfer.Settings(
                  URI.create(file.remoteUrl),
                  job.writtenPath(file),
                  job.customHeaders,
                  job.proxy,
                  job.dynamicContent,
                  !job.highPerformance,
                  config.bootId() == null,
                  config.checkpointInterval(),
                  connectionsFor(job, file),
                  config.minimumSplit(),
                  throttleFor(job),
                  file.delivery.decryptionInfo() == null
                      ? null
                      : dev.ferry.engine.integrity.DecryptionInfo.parse(
                          file.delivery.decryptionInfo()),
                  actingFor(job),
                  job.createsDestination());
          return new JobRunner.Plan(file, settings);
        }
      }
      return null;
    });
  }

  /** The largest piece-hash file Ferry fetches: 32 bytes a piece for a 2 TiB file of 1 MiB. */
  private static final int MAX_PIECE_HASH_FILE = 64 << 20;

  /**
   * Before a file transfers: when it has IntegrityCheckInfo, fetches and checks its piece-hash file
   * (on the runner's thread, outside the lock) and makes the file's pieces wait for it. A file
   * whose check is mandatory does not start without it.
   */
  void prepareIntegrity(Job job, JobFile file, FileTransfer.Settings settings)
      throws TransferFailure {
    DeliverySettings delivery = locked(() -> file.delivery);
    if (delivery.integrityCheckInfo() == null || file.state.hasCheck()) {
      return;
    }
    boolean mandatory = Boolean.TRUE.equals(delivery.integrityCheckMandatory());
    dev.ferry.engine.integrity.PieceHashes hashes;
    if (delivery.pieceHashes() != null) {
      hashes = dev.ferry.engine.integrity.PieceHashes.parse(delivery.pieceHashes());
    } else {
      var info = dev.ferry.engine.integrity.IntegrityCheckInfo.parse(delivery.integrityCheckInfo());
      URI location = info.resolve(file.remoteUrl);
      try {
        hashes = info.verify(fetchSmall(location, settings));
      } catch (IllegalArgumentException | TransferFailure e) {
        if (e instanceof TransferFailure failure && failure.isTransient() && mandatory) {
          throw failure;
        }
        if (mandatory) {
          throw TransferFailure.fatal(
              HResult.DO_E_INTEGRITYCHECKINFO_UNAVAILABLE,
              ErrorContext.REMOTE_FILE,
              location.getScheme(),
              "the piece-hash file " + location + " could not be had: " + e.getMessage());
        }
        log.warn(
            "job {} file {}: downloading without integrity checks; the piece-hash file {} could not be had: {}",
            job.id,
            file.index,
            location,
            e.getMessage());
        return;
      }
    }
    if (file.state.pieceSize() != hashes.pieceSize() && file.state.bytesTransferred() > 0) {
      // Bytes written before the hashes were known cannot be checked piece by piece: fetch again.
      file.state.forget();
    }
    file.state.useCheck(hashes);
    byte[] encoded = hashes.encode();
    lock.lock();
    try {
      file.delivery =
          file.delivery.withIntegrity(
              delivery.integrityCheckInfo(), delivery.integrityCheckMandatory(), encoded);
      if (jobs.containsKey(job.id)) {
        store.updateFile(file.toRow(job.id));
      }
    } finally {
      lock.unlock();
    }
  }

  private byte[] fetchSmall(URI uri, FileTransfer.Settings settings) throws TransferFailure {
    Source source = sourceFor(uri);
    try (dev.ferry.spi.SourceResponse response =
        source.open(
            new dev.ferry.spi.SourceRequest(
                uri,
                0,
                -1,
                dev.ferry.spi.Validators.NONE,
                settings.customHeaders(),
                settings.proxy()))) {
      byte[] body = response.body().readNBytes(MAX_PIECE_HASH_FILE + 1);
      if (body.length > MAX_PIECE_HASH_FILE) {
        throw new IllegalArgumentException("the piece-hash file is larger than 64 MiB");
      }
      response.consumed();
      return body;
    } catch (java.io.IOException e) {
      throw TransferFailure.transientFailure(
          HResult.ERROR_READ_FAULT,
          ErrorContext.REMOTE_FILE,
          uri.getScheme(),
          "reading the piece-hash file: " + e.getMessage(),
          e);
    }
  }

  void onConnected(JobRunner runner, Job job) {
    lock.lock();
    try {
      if (job.runner == runner && job.state == JobState.CONNECTING) {
        job.state = JobState.TRANSFERRING;
        job.failure = null;
        touch(job);
        persistRelaxed(job);
        modified(job);
      }
    } finally {
      lock.unlock();
    }
  }

  void onProgress(JobRunner runner, Job job, long bytes) throws TransferFailure {
    lock.lock();
    try {
      if (job.runner != runner) {
        return;
      }
      job.transientSinceMs = 0;
      job.modifiedMs = clock.millis();
      long now = clock.nanoTime();
      if (now - job.lastProgressEventNanos >= PROGRESS_EVENT_INTERVAL_NANOS) {
        job.lastProgressEventNanos = now;
        publish(job, JobEvent.Kind.PROGRESS, -1);
      }
      if (job.maxDownloadSize > 0) {
        long total = job.progress.bytesTransferred();
        if (total > job.maxDownloadSize) {
          throw TransferFailure.fatal(
              HResult.BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED,
              ErrorContext.REMOTE_FILE,
              null,
              "the job downloaded more than its MAX_DOWNLOAD_SIZE of "
                  + job.maxDownloadSize
                  + " bytes");
        }
      }
      modified(job);
    } finally {
      lock.unlock();
    }
  }

  void onCheckpoint(JobRunner runner, Job job, JobFile file) {
    lock.lock();
    try {
      if (job.state.isFinal() || !jobs.containsKey(job.id)) {
        return;
      }
      store.checkpoint(job.toRow(), List.of(file.toRow(job.id)));
    } catch (RuntimeException e) {
      log.warn("could not checkpoint job {}", job.id, e);
    } finally {
      lock.unlock();
    }
  }

  void onFileTransferred(JobRunner runner, Job job, JobFile file) {
    lock.lock();
    try {
      if (job.runner != runner) {
        return;
      }
      // The transfer's last checkpoint recorded the file; the job's own state follows.
      publish(job, JobEvent.Kind.FILE_TRANSFERRED, file.index);
      if (wants(job, NotifyFlag.FILE_TRANSFERRED)) {
        BackgroundCopyCallback callback = job.callback;
        JobHandle handle = new JobHandle(this, job, job.owner);
        FileHandle fileHandle = new FileHandle(this, job, file, job.owner);
        job.notifier.deliverOnce(() -> callback.fileTransferred(handle, fileHandle));
      }
    } finally {
      lock.unlock();
    }
  }

  void onJobTransferred(JobRunner runner, Job job) {
    lock.lock();
    try {
      if (job.runner != runner) {
        return;
      }
      job.runner = null;
      exiting.put(job, runner);
      job.state = JobState.TRANSFERRED;
      job.failure = null;
      job.transferredMs = clock.millis();
      touch(job);
      persistRelaxed(job);
      notifyTransferred(job);
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void onFailure(JobRunner runner, Job job, JobFile file, TransferFailure failure) {
    lock.lock();
    try {
      if (job.runner != runner || runner.isStopped()) {
        return;
      }
      job.runner = null;
      exiting.put(job, runner);
      job.errorCount++;
      job.failure =
          new Job.Failure(
              failure.context(),
              failure.hresult(),
              file == null ? -1 : file.index,
              failure.protocol(),
              failure.getMessage());
      long now = clock.millis();
      boolean retry =
          failure.isTransient()
              && job.noProgressTimeoutSeconds > 0
              && job.minRetryDelaySeconds <= job.noProgressTimeoutSeconds;
      if (retry) {
        if (job.transientSinceMs == 0) {
          job.transientSinceMs = now;
        }
        retry = now - job.transientSinceMs < job.noProgressTimeoutSeconds * 1000;
      }
      log.info("job {} {}: {}", job.id, retry ? "will retry" : "failed", failure.toString());
      if (retry) {
        long delay = job.minRetryDelaySeconds;
        if (failure.retryAfter() != null) {
          delay =
              Math.max(delay, Math.min(MAX_RETRY_AFTER_SECONDS, failure.retryAfter().toSeconds()));
        }
        job.state = JobState.TRANSIENT_ERROR;
        job.retryAtMs = now + delay * 1000;
        touch(job);
        persist(job);
        modified(job);
      } else {
        // A transient failure that ends the retries is the no-progress timeout running out.
        enterError(job, failure.isTransient());
      }
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void onRunnerExit(JobRunner runner, Job job) {
    lock.lock();
    try {
      if (exiting.get(job) == runner) {
        exiting.remove(job);
      }
      if (job.runner == runner) {
        // Stopped without a report (e.g. shutdown): leave the job queued for the next run.
        job.runner = null;
        exiting.remove(job);
      }
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @param noProgress the no-progress timeout ran out (DO reports DO_E_DOWNLOAD_NO_PROGRESS then,
   *     not the last cause)
   */
  private void enterError(Job job, boolean noProgress) {
    if (job.download != null) {
      job.download.noProgress = noProgress;
    }
    job.state = JobState.ERROR;
    touch(job);
    persist(job);
    notifyError(job);
  }

  // --- notifications
  // ------------------------------------------------------------------------------

  private Notifier newNotifier(UUID id) {
    return new Notifier(id.toString(), clock);
  }

  private boolean wants(Job job, NotifyFlag flag) {
    return job.callback != null
        && (job.notifyFlags & NotifyFlag.DISABLE.bit()) == 0
        && (job.notifyFlags & flag.bit()) != 0;
  }

  /** A modification notification (never for entering ERROR or TRANSFERRED). */
  private void modified(Job job) {
    if (job.download != null) {
      job.download.changed();
    }
    if (wants(job, NotifyFlag.JOB_MODIFICATION)) {
      BackgroundCopyCallback callback = job.callback;
      JobHandle handle = new JobHandle(this, job, job.owner);
      job.notifier.modification(
          () -> callback.jobModification(handle), job.minNotificationIntervalMs & 0xFFFFFFFFL);
    }
  }

  private void notifyTransferred(Job job) {
    if (wants(job, NotifyFlag.JOB_TRANSFERRED)) {
      BackgroundCopyCallback callback = job.callback;
      JobHandle handle = new JobHandle(this, job, job.owner);
      job.notifier.mustDeliver(
          () -> callback.jobTransferred(handle),
          () ->
              locked(() ->
                  job.state == JobState.TRANSFERRED
                      && job.callback == callback
                      && wants(job, NotifyFlag.JOB_TRANSFERRED)));
    } else {
      runCommandLine(job, NotifyFlag.JOB_TRANSFERRED);
    }
  }

  private void notifyError(Job job) {
    if (wants(job, NotifyFlag.JOB_ERROR) && job.failure != null) {
      BackgroundCopyCallback callback = job.callback;
      JobHandle handle = new JobHandle(this, job, job.owner);
      ErrorView error = new ErrorView(this, job, job.failure, job.owner);
      job.notifier.mustDeliver(
          () -> callback.jobError(handle, error),
          () ->
              locked(() ->
                  job.state == JobState.ERROR
                      && job.callback == callback
                      && wants(job, NotifyFlag.JOB_ERROR)));
    } else {
      runCommandLine(job, NotifyFlag.JOB_ERROR);
    }
  }

  /** The command line takes the notifications no live callback takes (BITS's fallback order). */
  private void runCommandLine(Job job, NotifyFlag flag) {
    boolean enabled =
        (job.notifyFlags & NotifyFlag.DISABLE.bit()) == 0 && (job.notifyFlags & flag.bit()) != 0;
    if (enabled && job.notifyCmdLine != null && job.callback == null) {
      commandLines.run(
          job.notifyCmdLine, job.id, job.state.name(), job.owner.uid(), job.owner.name());
    }
  }

  // --- persistence helpers ----------------------------------------------------------------------

  private void touch(Job job) {
    job.modifiedMs = clock.millis();
  }

  private void persist(Job job) {
    write(job, () -> store.updateJob(job.toRow()));
    publish(job, JobEvent.Kind.CHANGED, -1);
  }

  /**
   * Runs a job's writes, which wait for the disk once the job has been resumed. Before that the job
   * is suspended and holds no data, and its first Resume waits for the disk and takes every earlier
   * change along: setting up many jobs costs a flush each, not one a call. A power cut before that
   * Resume may lose the setup; a crash of the process never does.
   */
  private void write(Job job, Runnable writes) {
    if (job.resumedOnce) {
      writes.run();
    } else {
      store.withoutWaiting(writes);
    }
  }

  /**
   * Persists a state the engine reached by itself and would reach again after a power cut lost the
   * record: a restart makes CONNECTING and TRANSFERRING into QUEUED, and a QUEUED job whose files
   * are all transferred becomes TRANSFERRED again. So the commit does not wait for the disk.
   */
  private void persistRelaxed(Job job) {
    store.withoutWaiting(() -> store.updateJob(job.toRow()));
    publish(job, JobEvent.Kind.CHANGED, -1);
  }

  /** Registers an observer of every job; see {@link JobListener} for its duties. */
  public void addListener(JobListener listener) {
    listeners.add(listener);
  }

  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  private void publish(Job job, JobEvent.Kind kind, int fileIndex) {
    if (job.download != null) {
      job.download.changed();
    }
    if (listeners.isEmpty()) {
      return;
    }
    JobEvent event =
        new JobEvent(
            kind,
            job.id,
            job.owner.uid(),
            job.state,
            job.progress.bytesTotal(),
            job.progress.bytesTransferred(),
            fileIndex);
    for (JobListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("a job listener failed", e);
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new FerryException(HResult.DO_E_NO_SERVICE, "the engine is closed");
    }
  }

  /** Stops every transfer (they checkpoint as they stop) and closes the store. */
  @Override
  public void close() {
    List<JobRunner> running = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Job job : jobs.values()) {
        if (job.runner != null) {
          running.add(job.runner);
          job.runner.stop();
        }
        job.notifier.close();
      }
      running.addAll(exiting.values());
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    for (JobRunner runner : running) {
      runner.join();
    }
    try {
      schedulerThread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      // Jobs that were transferring are queued again when the engine next opens.
      for (Job job : jobs.values()) {
        if (job.state == JobState.CONNECTING || job.state == JobState.TRANSFERRING) {
          job.state = JobState.QUEUED;
          persist(job);
        }
      }
    } finally {
      lock.unlock();
    }
    http.close();
    store.close();
    try {
      dataLock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // The lock goes with the process anyway.
    }
  }
}
