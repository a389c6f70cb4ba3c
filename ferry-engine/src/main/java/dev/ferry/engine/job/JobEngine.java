package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.api.JobType;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.store.Store;
import dev.ferry.engine.transfer.FileTransfer;
import dev.ferry.spi.Source;
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
  final Extensions extensions;

  final JobRecords records = new JobRecords(this);
  final JobIntake intake = new JobIntake(this);
  final JobEndings endings = new JobEndings(this);
  final FileChanges files = new FileChanges(this);

  final RunnerReports reports;
  private final FileChannel lockChannel;
  private final FileLock dataLock;

  /** Where files come from, asked in order ({@link EngineConfig#origins}). */
  private final List<Source> origins;

  final List<dev.ferry.spi.SourceProvider> providers;

  final ReentrantLock lock = new ReentrantLock();
  final Condition wake = lock.newCondition();

  /** Every job not in a final state, in creation order. */
  final Map<UUID, Job> jobs = new LinkedHashMap<>();

  /**
   * Runners asked to stop that have not ended yet; a job does not restart until its runner ends.
   */
  final Map<Job, JobRunner> exiting = new java.util.IdentityHashMap<>();

  final Set<Job> busy = new HashSet<>();
  boolean closed;
  long nextSequence;

  private JobEngine(
      Path dataDir, EngineConfig config, Store store, FileChannel lockChannel, FileLock dataLock) {
    this.dataDir = dataDir;
    this.config = config;
    this.clock = config.clock();
    this.store = store;
    this.lockChannel = lockChannel;
    this.dataLock = dataLock;
    this.origins = List.copyOf(config.origins().apply(config));
    this.providers = config.openProviders();
    this.placement = new FilePlacement(config, dataDir);
    this.notifications = new Notifications(this, clock);
    List<EngineExtension> attached = new ArrayList<>();
    for (EngineExtension.Factory factory : config.extensions()) {
      attached.add(factory.attach(this));
    }
    this.extensions = new Extensions(this, attached);
    this.nextSequence =
        new Recovery(
                store,
                placement,
                notifications,
                clock,
                extensions::decodeKind,
                extensions::decodeFile)
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
      Store store = Store.open(dir.resolve("ferry.db"), config.bootId(), config.storeEvents());
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
    return extensions
        .extension(type)
        .or(() -> providers.stream().filter(type::isInstance).map(type::cast).findFirst());
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
      records.touch(job);
      records.persist(job);
      notifications.modified(job);
    } finally {
      lock.unlock();
    }
  }

  // --- creating jobs and adding files ----------------------------------------------------------

  Job create(JobOwner caller, String displayName, JobType type) {
    return intake.create(caller, displayName, type, JobKind.BITS, settings -> {});
  }

  @Override
  public JobRef create(
      JobOwner caller,
      String displayName,
      JobKind kind,
      java.util.function.Consumer<JobSettings> setup) {
    return new JobRef(this, intake.create(caller, displayName, JobType.DOWNLOAD, kind, setup));
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
      records.touch(job);
      records.persist(job);
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

  // --- scheduling -------------------------------------------------------------------------------

  void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The origin of {@code uri}: the first of the engine's origins that says it fetches it. */
  /**
   * Whether an origin other than the last (which takes every URL left) says {@code uri} is its: how
   * a scheme the core does not name (magnet links, for peers) is accepted.
   */
  boolean claimsUrl(URI uri) {
    for (int i = 0; i < origins.size() - 1; i++) {
      if (origins.get(i).isOriginFor(uri)) {
        return true;
      }
    }
    return false;
  }

  Source sourceFor(URI uri) {
    for (Source origin : origins) {
      if (origin.isOriginFor(uri)) {
        return origin;
      }
    }
    return origins.getLast();
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

  /** Whether the job is still one of the engine's (not final). Call under the lock. */
  boolean isListed(Job job) {
    return jobs.containsKey(job.id);
  }

  // --- notifications
  // ------------------------------------------------------------------------------

  @Override
  public Map<JobState, Map<JobPriority, Integer>> jobCounts() {
    return locked(() -> {
      Map<JobState, Map<JobPriority, Integer>> counts = new java.util.EnumMap<>(JobState.class);
      for (Job job : jobs.values()) {
        counts
            .computeIfAbsent(job.state, s -> new java.util.EnumMap<>(JobPriority.class))
            .merge(job.priority, 1, Integer::sum);
      }
      return counts;
    });
  }

  // --- the job feed ----------------------------------------------------------------------------

  /** Registers an observer of every job; see {@link JobListener} for its duties. */
  @Override
  public void addListener(JobListener listener) {
    records.addListener(listener);
  }

  @Override
  public void removeListener(JobListener listener) {
    records.removeListener(listener);
  }

  void ensureOpen() {
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
          records.persist(job);
        }
      }
    } finally {
      lock.unlock();
    }
    List<Object> closing = new ArrayList<>(origins);
    // A provider that holds connections of its own (a cache server's client) releases them too.
    closing.addAll(providers);
    for (Object origin : closing) {
      if (origin instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.debug("closing the origin {}: {}", origin, e.toString());
        }
      }
    }
    store.close();
    try {
      dataLock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // The lock goes with the process anyway.
    }
  }
}
