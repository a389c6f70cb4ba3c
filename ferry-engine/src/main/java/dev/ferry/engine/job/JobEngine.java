package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyCallback;
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
import dev.ferry.engine.store.Store;
import dev.ferry.engine.transfer.FileTransfer;
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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: the queue of jobs, their state machine ({@code docs/bits-semantics.md#transitions}),
 * the scheduler ({@code #scheduling}) and the transfers. One lock guards every job; it is never
 * held across network or file I/O other than the store's small synchronous writes.
 */
public final class JobEngine implements dev.ferry.engine.Engine, JobKernel {
  private static final Logger log = LoggerFactory.getLogger(JobEngine.class);
  static final long MIN_RETRY_DELAY_FLOOR_SECONDS = 5;

  final EngineConfig config;
  final dev.ferry.spi.Clock clock;
  private final Path dataDir;
  final Store store;
  final FilePlacement placement;
  final Notifications notifications;
  final Transfers transfers;

  /** What extends this engine (DO), in the order they are asked. */
  private final List<EngineExtension> extensions;

  final RunnerReports reports;
  private final FileChannel lockChannel;
  private final FileLock dataLock;
  private final HttpSource http;
  private final LocalFileSource localFiles = new LocalFileSource();
  final ReentrantLock lock = new ReentrantLock();
  final Condition wake = lock.newCondition();

  /** Every job not in a final state, in creation order. */
  final Map<UUID, Job> jobs = new LinkedHashMap<>();

  /**
   * Runners asked to stop that have not ended yet; a job does not restart until its runner ends.
   */
  final Map<Job, JobRunner> exiting = new java.util.IdentityHashMap<>();

  final Set<Job> busy = new HashSet<>();
  private final List<JobListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  boolean closed;
  private long nextSequence;

  private JobEngine(
      Path dataDir, EngineConfig config, Store store, FileChannel lockChannel, FileLock dataLock) {
    this.dataDir = dataDir;
    this.config = config;
    this.clock = config.clock();
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
    this.placement = new FilePlacement(config, dataDir);
    this.notifications = new Notifications(this, clock);
    List<EngineExtension> attached = new ArrayList<>();
    for (EngineExtension.Factory factory : config.extensions()) {
      attached.add(factory.attach(this));
    }
    this.extensions = List.copyOf(attached);
    this.nextSequence =
        new Recovery(store, placement, notifications, clock, this::decodeKind, this::decodeFile)
            .recover(jobs);
    // A clock that jumps (a test's) makes the scheduler look again at once.
    clock.onAdvance(this::signal);
    this.transfers = new Transfers(this);
    this.reports = new RunnerReports(this);
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
      engine.transfers.startLoop();
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

  @Override
  public Path dataDir() {
    return dataDir;
  }

  /** A persisted kind state: BITS's when there is none, else the extension's that wrote it. */
  private JobKind decodeKind(String state) {
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

  private FileExtension decodeFile(String state) {
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

  @Override
  public dev.ferry.spi.Clock clock() {
    return clock;
  }

  @Override
  public EngineConfig config() {
    return config;
  }

  @Override
  public <T> java.util.Optional<T> extension(Class<T> type) {
    return extensions.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  // --- QueryInterface: the extensions' interfaces on managers, jobs and files ------------------

  <T> java.util.Optional<T> managerInterface(JobOwner caller, Class<T> type) {
    for (EngineExtension extension : extensions) {
      java.util.Optional<T> found = extension.managerInterface(caller, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return java.util.Optional.empty();
  }

  <T> java.util.Optional<T> jobInterface(Job job, JobOwner caller, Class<T> type) {
    for (EngineExtension extension : extensions) {
      java.util.Optional<T> found = extension.jobInterface(new JobRef(this, job), caller, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return java.util.Optional.empty();
  }

  <T> java.util.Optional<T> fileInterface(Job job, JobFile file, JobOwner caller, Class<T> type) {
    for (EngineExtension extension : extensions) {
      java.util.Optional<T> found =
          extension.fileInterface(new JobRef(this, job), file.index, caller, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return java.util.Optional.empty();
  }

  /** A manager acting for {@code caller}; closing it leaves the engine running. */
  @Override
  public dev.ferry.api.BackgroundCopyManager manager(JobOwner caller) {
    return new ManagerView(this, caller, false);
  }

  /** A manager acting for {@code caller} that closes the engine when it is closed. */
  public dev.ferry.api.BackgroundCopyManager ownedManager(JobOwner caller) {
    return ManagerView.owning(this, caller);
  }

  // --- recovery --------------------------------------------------------------------------------

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
      if (job == null || !job.kind.isBitsJob() || !mayAccess(caller, job)) {
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
            .filter(j -> j.kind.isBitsJob() && (allUsers || j.owner.uid() == caller.uid()))
            .toList());
  }

  @Override
  public List<JobRef> jobs(JobOwner caller, java.util.function.Predicate<JobKind> kinds) {
    return locked(() ->
        jobs.values().stream()
            .filter(j -> kinds.test(j.kind) && j.owner.uid() == caller.uid())
            .map(j -> new JobRef(this, j))
            .toList());
  }

  @Override
  public java.util.Optional<JobRef> find(
      JobOwner caller, UUID id, java.util.function.Predicate<JobKind> kinds) {
    return locked(() -> {
      Job job = jobs.get(id);
      return job == null || !kinds.test(job.kind) || job.owner.uid() != caller.uid()
          ? java.util.Optional.<JobRef>empty()
          : java.util.Optional.of(new JobRef(this, job));
    });
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
      notifications.modified(job);
    } finally {
      lock.unlock();
    }
  }

  // --- creating jobs and adding files ----------------------------------------------------------

  Job create(JobOwner caller, String displayName, JobType type) {
    return create(caller, displayName, type, JobKind.BITS, settings -> {});
  }

  @Override
  public JobRef create(
      JobOwner caller,
      String displayName,
      JobKind kind,
      java.util.function.Consumer<JobSettings> setup) {
    return new JobRef(this, create(caller, displayName, JobType.DOWNLOAD, kind, setup));
  }

  private Job create(
      JobOwner caller,
      String displayName,
      JobType type,
      JobKind kind,
      java.util.function.Consumer<JobSettings> setup) {
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
              notifications.newNotifier(id),
              clock);
      job.notifyFlags = NotifyFlag.toMask(NotifyFlag.DEFAULT);
      job.costFlags = dev.ferry.api.CostFlags.TRANSFER_ALWAYS;
      job.kind = kind;
      setup.accept(JobRef.settingsOf(job));
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
      String remoteUrl, String localName, List<FileRange> ranges, FileExtension extension) {
    NewFile(String remoteUrl, String localName, List<FileRange> ranges) {
      this(remoteUrl, localName, ranges, FileExtension.NONE);
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
                    ranges, f.extension().rangesInPlace(), config.pieceSize()));
        file.extension = f.extension();
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
      notifications.modified(job);
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
            file.extension.checkReady(file.index);
          }
          j.resumedOnce = true;
          switch (j.state) {
            case SUSPENDED, ERROR, TRANSIENT_ERROR, TRANSFERRED -> {
              j.state = JobState.QUEUED;
              j.transientSinceMs = 0;
              j.failuresInARow = 0;
              j.retryAtMs = 0;
              j.kind.resumed();
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
          transfers.stopRunner(j);
          j.state = JobState.SUSPENDED;
          wake.signalAll();
        });
  }

  HResult cancel(JobOwner caller, Job job) {
    JobRunner stopped;
    lock.lock();
    try {
      checkMutable(caller, job);
      stopped = transfers.stopRunner(job);
      job.state = JobState.CANCELLED;
      touch(job);
      persist(job);
      jobs.remove(job.id);
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    transfers.awaitExit(job, stopped);
    boolean deletedAll = placement.deleteWrittenFiles(job, false);
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
      stopped = transfers.stopRunner(job);
      if (before.isAction()) {
        job.state = JobState.SUSPENDED;
      }
      busy.add(job);
    } finally {
      lock.unlock();
    }
    transfers.awaitExit(job, stopped);
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
            placement.moveIntoPlace(job, file);
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
      boolean deletedAll = placement.deleteWrittenFiles(job, true);
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
      notifications.modified(job);
      if (callback == null) {
        return;
      }
      if (job.state == JobState.TRANSFERRED) {
        notifications.notifyTransferred(job);
      } else if (job.state == JobState.ERROR) {
        notifications.notifyError(job);
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
      stopped = transfers.stopRunner(job);
      busy.add(job);
    } finally {
      lock.unlock();
    }
    transfers.awaitExit(job, stopped);
    lock.lock();
    try {
      file.state.addRanges(more);
      if (job.state.isAction() || job.state == JobState.TRANSFERRED) {
        job.state = JobState.QUEUED;
      }
      touch(job);
      store.update(job.toRow(), List.of(file.toRow(job.id)));
      publish(job, JobEvent.Kind.CHANGED, -1);
      notifications.modified(job);
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
  void relocate(JobOwner caller, Job job, JobFile file, Path local, FileExtension extension) {
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
      file.extension = extension;
      touch(job);
      store.update(job.toRow(), List.of(file.toRow(job.id)));
      notifications.modified(job);
    } finally {
      lock.unlock();
    }
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
      notifications.modified(job);
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
        transfers.stopRunner(job);
        job.state = JobState.QUEUED;
      }
      touch(job);
      store.update(job.toRow(), List.of(file.toRow(job.id)));
      publish(job, JobEvent.Kind.CHANGED, -1);
      notifications.modified(job);
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // --- scheduling -------------------------------------------------------------------------------

  void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // --- bandwidth policy -----------------------------------------------------------------------

  // --- reports from runners
  // ------------------------------------------------------------------------

  Source sourceFor(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme()) ? localFiles : http;
  }

  /**
   * How many of the job's files transfer at once: a FOREGROUND job's several, a background job's
   * one, in order.
   */
  int filesInParallel(Job job) {
    return locked(() ->
        job.priority == JobPriority.FOREGROUND && !job.dynamicContent && job.kind.filesInParallel()
            ? Math.min(config.filesInParallel(), job.files.size())
            : 1);
  }

  /**
   * Foreground jobs may open several connections per file, like any interactive downloader;
   * background jobs use one, so they stay out of the way of everything else.
   */
  private int connectionsFor(Job job, JobFile file) {
    boolean network = !"file".equalsIgnoreCase(URI.create(file.remoteUrl).getScheme());
    return job.priority == JobPriority.FOREGROUND && network && !job.dynamicContent
        ? config.connectionsPerFile()
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
                  transfers.throttleFor(job),
                  file.extension.transform(),
                  placement.actingFor(job),
                  job.createsDestination());
          return new JobRunner.Plan(file, settings);
        }
      }
      return null;
    });
  }

  // --- the bandwidth policy, held by the transfers ----------------------------------------------

  /** The policy in force; changes apply at once, to running transfers too. */
  @Override
  public BandwidthPolicy bandwidthPolicy() {
    return transfers.bandwidthPolicy();
  }

  /** Changes the policy, durably: it holds across restarts. */
  @Override
  public void setBandwidthPolicy(BandwidthPolicy newPolicy) {
    transfers.setBandwidthPolicy(newPolicy);
  }

  // --- reports from runners (see RunnerReports) -------------------------------------------------

  void onConnected(JobRunner runner, Job job) {
    reports.onConnected(runner, job);
  }

  void onProgress(JobRunner runner, Job job, long bytes) throws TransferFailure {
    reports.onProgress(runner, job, bytes);
  }

  void onCheckpoint(JobRunner runner, Job job, JobFile file) {
    reports.onCheckpoint(runner, job, file);
  }

  void onFileTransferred(JobRunner runner, Job job, JobFile file) {
    reports.onFileTransferred(runner, job, file);
  }

  void onJobTransferred(JobRunner runner, Job job) {
    reports.onJobTransferred(runner, job);
  }

  void onFailure(JobRunner runner, Job job, JobFile file, TransferFailure failure) {
    reports.onFailure(runner, job, file, failure);
  }

  void onRunnerExit(JobRunner runner, Job job) {
    reports.onRunnerExit(runner, job);
  }

  /** Before a file transfers: whatever its extension needs first (DO: its piece-hash file). */
  void prepareIntegrity(Job job, JobFile file, FileTransfer.Settings settings)
      throws TransferFailure {
    FilePreparation.prepare(this, job, file, settings);
  }

  /** Whether the job is still one of the engine's (not final). Call under the lock. */
  boolean isListed(Job job) {
    return jobs.containsKey(job.id);
  }

  // --- notifications
  // ------------------------------------------------------------------------------

  // --- persistence helpers ----------------------------------------------------------------------

  void touch(Job job) {
    job.modifiedMs = clock.millis();
  }

  void persist(Job job) {
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
  void persistRelaxed(Job job) {
    store.withoutWaiting(() -> store.updateJob(job.toRow()));
    publish(job, JobEvent.Kind.CHANGED, -1);
  }

  /** Registers an observer of every job; see {@link JobListener} for its duties. */
  @Override
  public void addListener(JobListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  void publish(Job job, JobEvent.Kind kind, int fileIndex) {
    job.kind.changed();
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
      transfers.awaitLoopEnd(Duration.ofSeconds(10));
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
