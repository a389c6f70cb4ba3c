package dev.ferry.engine.job;

import static dev.ferry.api.delivery.DownloadProperty.BLOCKING_MODE;
import static dev.ferry.api.delivery.DownloadProperty.CONTENT_ID;
import static dev.ferry.api.delivery.DownloadProperty.DECRYPTION_INFO;
import static dev.ferry.api.delivery.DownloadProperty.INTEGRITY_CHECK_INFO;
import static dev.ferry.api.delivery.DownloadProperty.INTEGRITY_CHECK_MANDATORY;
import static dev.ferry.api.delivery.DownloadProperty.LOCAL_PATH;
import static dev.ferry.api.delivery.DownloadProperty.TOTAL_SIZE_BYTES;
import static dev.ferry.api.delivery.DownloadProperty.URI;

import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.CostPolicy;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadRange;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;
import dev.ferry.api.delivery.DownloadStatusCallback;
import dev.ferry.engine.transfer.CustomHeaders;
import dev.ferry.spi.ResponseInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A caller's view of one DO download. A download is an engine job of its own kind with one file,
 * created when it first starts, so it shares the scheduler, the store, the bandwidth policy and
 * crash recovery with BITS jobs; its DODownloadState is read off the job's state (see {@link
 * #stateOf}). Operations on one download are serialized on its record.
 */
final class DownloadHandle implements Download {
  static final long BACKGROUND_NO_PROGRESS_SECONDS = 86_400;
  static final long FOREGROUND_NO_PROGRESS_SECONDS = 3_600;
  static final int MIN_NO_PROGRESS_SECONDS = 60;

  /** Microsoft's Linux agent checks progress every 10 seconds, so it takes no shorter timeout. */
  static final int AGENT_MIN_NO_PROGRESS_SECONDS = 10;

  /** Properties that shape the file, so they may change only before the first start. */
  private static final Set<DownloadProperty> BEFORE_START =
      EnumSet.of(
          CONTENT_ID,
          LOCAL_PATH,
          DownloadProperty.STREAM_INTERFACE,
          DECRYPTION_INFO,
          INTEGRITY_CHECK_INFO,
          INTEGRITY_CHECK_MANDATORY,
          TOTAL_SIZE_BYTES);

  private final JobEngine engine;
  private final Job job;
  private final JobOwner caller;
  private final DownloadRecord record;

  DownloadHandle(JobEngine engine, Job job, JobOwner caller) {
    this.engine = engine;
    this.job = job;
    this.caller = caller;
    this.record = DownloadRecord.of(job);
  }

  @Override
  public String id() {
    return job.id.toString();
  }

  // --- life cycle --------------------------------------------------------------------------------

  @Override
  public void start(List<DownloadRange> ranges) {
    List<DownloadRange> checked = ranges == null ? null : DownloadRange.checked(ranges);
    boolean blocking;
    synchronized (record) {
      DoErrors.run(() -> {
        switch (state()) {
          case FINALIZED, ABORTED -> throw DoErrors.invalidState("the download is " + state());
          case CREATED -> firstStart(checked);
          case TRANSFERRING -> {
            if (checked != null) {
              extend(checked);
            }
          }
          case PAUSED -> {
            if (engine.locked(job::createsDestination)) {
              // As the agent's open() of its own file: gone means ENOENT, and nothing is made anew.
              dev.ferry.engine.transfer.CreatedFiles.checkPresent(job.files.get(0).localPath);
            }
            if (checked != null) {
              extend(checked);
            }
            record.sinkError = 0;
            engine.resume(caller, job);
          }
          case TRANSFERRED -> {
            if (checked != null) {
              extend(checked);
              engine.resume(caller, job);
            }
          }
        }
      });
      blocking = engine.locked(() -> record.flag(BLOCKING_MODE));
      watch();
    }
    if (blocking) {
      awaitOutcome();
    }
  }

  private void firstStart(List<DownloadRange> ranges) {
    String uri;
    String local;
    DownloadSink sink;
    DeliverySettings delivery;
    engine.lock.lock();
    try {
      uri = record.text(URI);
      local = record.text(LOCAL_PATH);
      sink = record.sink;
      if (uri == null) {
        throw new FerryException(
            HResult.DO_E_DOWNLOAD_NO_URI,
            record.isSet(CONTENT_ID)
                ? "Ferry has no content service to resolve a ContentId; set Uri"
                : "set Uri before starting the download");
      }
      if (local == null && sink == null) {
        throw new FerryException(
            HResult.DO_E_FILE_DOWNLOADSINK_UNSPECIFIED,
            "set LocalPath or StreamInterface before starting the download");
      }
      delivery =
          new DeliverySettings(
              record.text(CONTENT_ID),
              true,
              false,
              sink != null,
              record.text(INTEGRITY_CHECK_INFO),
              record.isSet(INTEGRITY_CHECK_MANDATORY)
                  ? record.flag(INTEGRITY_CHECK_MANDATORY)
                  : null,
              null,
              record.text(DECRYPTION_INFO),
              (Long) record.values.get(TOTAL_SIZE_BYTES));
    } finally {
      engine.lock.unlock();
    }
    Path target = sink != null ? engine.placement.sinkPath(job, 0) : Path.of(local);
    boolean created = engine.locked(job::createsDestination) && sink == null;
    if (created) {
      dev.ferry.engine.transfer.CreatedFiles.create(target, engine.placement.actingFor(job));
    } else if (sink == null) {
      createParents(target);
    }
    DeliveryFile file = new DeliveryFile(delivery);
    file.sink(sink);
    List<FileRange> fileRanges = toFileRanges(ranges);
    try {
      engine.addFiles(
          caller, job, List.of(new JobEngine.NewFile(uri, target.toString(), fileRanges, file)));
    } catch (RuntimeException e) {
      if (created) {
        engine.placement.deleteQuietly(job, target);
      }
      throw e;
    }
    engine.lock.lock();
    try {
      record.started = true;
    } finally {
      engine.lock.unlock();
    }
    engine.saveDelivery(job, null);
    engine.resume(caller, job);
  }

  /** DO creates missing directories of LocalPath with the caller's rights: only as the caller. */
  private void createParents(Path target) {
    Path parent = target.getParent();
    if (parent == null || Files.isDirectory(parent)) {
      return;
    }
    if (caller.uid() != dev.ferry.engine.Ferry.currentUser().uid()) {
      return; // Validation reports the missing directory; the daemon does not create it as root.
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "cannot create the directory " + parent + ": " + e.getMessage());
    }
  }

  private static List<FileRange> toFileRanges(List<DownloadRange> ranges) {
    if (ranges == null
        || (ranges.size() == 1 && ranges.get(0).offset() == 0 && ranges.get(0).toEndOfFile())) {
      return null;
    }
    return ranges.stream().map(DownloadRange::toFileRange).toList();
  }

  private void extend(List<DownloadRange> ranges) {
    JobFile file = job.files.get(0);
    List<FileRange> more = toFileRanges(ranges);
    if (more == null) {
      more = List.of(new FileRange(0, FileRange.TO_EOF));
    }
    engine.extendRanges(caller, job, file, more);
  }

  @Override
  public void pause() {
    synchronized (record) {
      DoErrors.run(() -> {
        boolean transientPause = engine.locked(() -> job.state == JobState.TRANSIENT_ERROR);
        switch (state()) {
          case FINALIZED, ABORTED -> throw DoErrors.invalidState("the download is " + state());
          case TRANSFERRING -> engine.suspend(caller, job);
          case PAUSED -> {
            if (transientPause) {
              engine.suspend(caller, job); // the caller's pause ends the automatic retries
            }
          }
          default -> {}
        }
      });
    }
  }

  @Override
  public void abort() {
    synchronized (record) {
      DoErrors.run(() -> {
        switch (state()) {
          case ABORTED -> {}
          case FINALIZED -> throw DoErrors.invalidState("the download is finalized");
          default -> engine.cancel(caller, job);
        }
      });
    }
  }

  @Override
  public void finalizeDownload() {
    synchronized (record) {
      DoErrors.run(() -> {
        switch (state()) {
          case FINALIZED -> {}
          case TRANSFERRED -> {
            DownloadWatcher watcher = engine.locked(() -> record.watcher);
            if (watcher != null) {
              watcher.drain();
            }
            engine.complete(caller, job);
            if (record.sink != null) {
              deleteQuietly(job.files.get(0).localPath);
            }
          }
          default ->
              throw DoErrors.invalidState(
                  "only a transferred download can be finalized; this one is " + state());
        }
      });
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // A staging file of the data directory; the next cleanup takes it.
    }
  }

  @Override
  public DownloadStatus status() {
    return engine.locked(() -> {
      engine.checkReadable(caller, job);
      return statusOf(job);
    });
  }

  private DownloadState state() {
    return engine.locked(() -> stateOf(job));
  }

  /** DODownloadState as read off the job (under the engine lock). */
  static DownloadState stateOf(Job job) {
    DownloadRecord record = DownloadRecord.of(job);
    return switch (job.state) {
      case SUSPENDED -> record.started ? DownloadState.PAUSED : DownloadState.CREATED;
      case QUEUED, CONNECTING, TRANSFERRING -> DownloadState.TRANSFERRING;
      case TRANSIENT_ERROR, ERROR -> DownloadState.PAUSED;
      case TRANSFERRED -> {
        DownloadWatcher watcher = record.watcher;
        // A sink download is transferred for its caller once the sink has every byte.
        yield watcher != null && !watcher.delivered()
            ? DownloadState.TRANSFERRING
            : DownloadState.TRANSFERRED;
      }
      case ACKNOWLEDGED -> DownloadState.FINALIZED;
      case CANCELLED -> DownloadState.ABORTED;
    };
  }

  static DownloadStatus statusOf(Job job) {
    DownloadState state = stateOf(job);
    long total = -1;
    long transferred = 0;
    if (!job.files.isEmpty()) {
      JobFile file = job.files.get(0);
      total = file.state.bytesTotal();
      transferred = file.state.bytesTransferred();
      Long declared = DeliveryFile.settingsOf(file).totalSizeBytes();
      if (total < 0 && declared != null) {
        total = declared;
      }
    } else if (DownloadRecord.of(job).values.get(TOTAL_SIZE_BYTES) instanceof Long size) {
      total = size;
    }
    int error = 0;
    int extended = 0;
    if (DownloadRecord.of(job).sinkError != 0 && state == DownloadState.PAUSED) {
      error = DownloadRecord.of(job).sinkError;
      extended = error;
    } else if (job.failure != null && state == DownloadState.PAUSED) {
      if (job.state == JobState.TRANSIENT_ERROR) {
        extended = job.failure.code();
      } else if (job.state == JobState.ERROR) {
        error =
            DownloadRecord.of(job).noProgress
                ? HResult.DO_E_DOWNLOAD_NO_PROGRESS.value()
                : job.failure.code();
        extended = job.failure.code();
      }
    }
    return new DownloadStatus(total, transferred, state, error, extended);
  }

  private void awaitOutcome() {
    while (true) {
      long seen = record.version();
      DownloadStatus status = status();
      if (status.state() != DownloadState.TRANSFERRING) {
        return;
      }
      try {
        record.awaitChange(seen, 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FerryException(HResult.E_FAIL, "interrupted while waiting for the download");
      }
    }
  }

  /** Starts the watcher once the download runs and has a callback or a sink to serve. */
  private void watch() {
    engine.lock.lock();
    try {
      if (record.watcher == null
          && record.started
          && (record.callback != null || record.sink != null)) {
        record.watcher = new DownloadWatcher(engine, this, job);
        record.watcher.start();
      }
    } finally {
      engine.lock.unlock();
    }
  }

  // --- properties ------------------------------------------------------------------------------

  @Override
  public Object getProperty(DownloadProperty property) {
    if (property == null) {
      throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, "no property given");
    }
    if (!property.access().readable()) {
      throw new FerryException(
          HResult.DO_E_WRITE_ONLY_PROPERTY, property.doName() + " is write-only");
    }
    return engine.locked(() -> {
      engine.checkReadable(caller, job);
      Object value =
          switch (property) {
            case ID -> id();
            case NO_PROGRESS_TIMEOUT_SECONDS -> (int) job.noProgressTimeoutSeconds;
            case COST_POLICY ->
                record.isSet(property)
                    ? record.values.get(property)
                    : job.priority == JobPriority.FOREGROUND
                        ? CostPolicy.ALWAYS
                        : CostPolicy.STANDARD;
            case CALLBACK_INTERFACE -> record.callback;
            case STREAM_INTERFACE -> record.sink;
            case HTTP_RESPONSE_HEADERS -> {
              String headers = job.files.isEmpty() ? "" : job.files.get(0).state.responseHeaders();
              yield headers.isEmpty() ? null : headers;
            }
            case HTTP_STATUS_CODE -> {
              ResponseInfo info = response();
              yield info.statusCode() == 0 ? null : info.statusCode();
            }
            case HTTP_SERVER_IP_ADDRESS -> response().serverAddress();
            case HTTP_REDIRECTION_TARGET -> response().redirectTarget();
            default ->
                record.isSet(property) ? record.values.get(property) : property.defaultValue();
          };
      if (value == null) {
        throw new FerryException(HResult.E_NOT_SET, property.doName() + " has not been set");
      }
      return value;
    });
  }

  private ResponseInfo response() {
    return job.files.isEmpty() ? ResponseInfo.NONE : job.files.get(0).state.response();
  }

  @Override
  public void setProperty(DownloadProperty property, Object value) {
    if (property == null) {
      throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, "no property given");
    }
    if (!property.access().writable()) {
      throw new FerryException(
          HResult.DO_E_READ_ONLY_PROPERTY, property.doName() + " is read-only");
    }
    Object coerced = property.type().coerce(value, property.doName());
    validate(property, coerced);
    synchronized (record) {
      DoErrors.run(() -> set(property, coerced));
      watch();
    }
  }

  private void validate(DownloadProperty property, Object value) {
    if (value == null) {
      return;
    }
    switch (property) {
      case URI -> Validation.remoteUrl((String) value, engine.config);
      case LOCAL_PATH -> {
        Path path = Path.of((String) value);
        // The agent's way takes any path and fails the first start with ENOENT for a relative one.
        boolean relativeAllowed = engine.locked(job::createsDestination);
        if ((!path.isAbsolute() && !relativeAllowed)
            || ((String) value).length() > engine.config.maxLocalPathLength()) {
          throw new FerryException(
              HResult.E_INVALIDARG, "LocalPath must be an absolute path: " + value);
        }
      }
      case DISPLAY_NAME -> Validation.displayName((String) value, HResult.E_INVALIDARG);
      case HTTP_CUSTOM_HEADERS, HTTP_CUSTOM_AUTH_HEADERS -> CustomHeaders.parse((String) value);
      case NO_PROGRESS_TIMEOUT_SECONDS -> {
        int floor =
            engine.locked(job::createsDestination)
                ? AGENT_MIN_NO_PROGRESS_SECONDS
                : MIN_NO_PROGRESS_SECONDS;
        if ((Integer) value < floor) {
          throw new FerryException(
              HResult.E_INVALIDARG, "NoProgressTimeoutSeconds must be at least " + floor);
        }
      }
      case CALLBACK_FREQ_PERCENT -> {
        if ((Integer) value > 100) {
          throw new FerryException(HResult.E_INVALIDARG, "CallbackFreqPercent is at most 100");
        }
      }
      case DECRYPTION_INFO -> dev.ferry.engine.integrity.DecryptionInfo.parse((String) value);
      case INTEGRITY_CHECK_INFO ->
          dev.ferry.engine.integrity.IntegrityCheckInfo.parse((String) value);
      default -> {}
    }
  }

  private void set(DownloadProperty property, Object value) {
    engine.lock.lock();
    try {
      engine.checkMutable(caller, job);
      DownloadState state = stateOf(job);
      if (BEFORE_START.contains(property) && state != DownloadState.CREATED) {
        throw DoErrors.invalidState(property.doName() + " can change only before the first start");
      }
      if (property == URI && state != DownloadState.CREATED && state != DownloadState.PAUSED) {
        throw DoErrors.invalidState("Uri can change only while the download is created or paused");
      }
      if ((property == LOCAL_PATH && value != null && record.sink != null)
          || (property == DownloadProperty.STREAM_INTERFACE
              && value != null
              && record.isSet(LOCAL_PATH))) {
        throw new FerryException(
            HResult.DO_E_FILE_DOWNLOADSINK_ALREADY_SET,
            "a download goes to either LocalPath or StreamInterface, not both");
      }
      switch (property) {
        case CALLBACK_INTERFACE -> record.callback = (DownloadStatusCallback) value;
        case STREAM_INTERFACE -> record.sink = (DownloadSink) value;
        default -> {
          if (value == null) {
            record.values.remove(property);
          } else {
            record.values.put(property, value);
          }
        }
      }
      switch (property) {
        case DISPLAY_NAME -> job.displayName = value == null ? "" : (String) value;
        case HTTP_CUSTOM_HEADERS -> job.customHeaders = (String) value;
        case FOREGROUND_PRIORITY -> {
          boolean foreground = Boolean.TRUE.equals(value);
          job.priority = foreground ? JobPriority.FOREGROUND : JobPriority.NORMAL;
          if (!record.isSet(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS)) {
            job.noProgressTimeoutSeconds =
                foreground ? FOREGROUND_NO_PROGRESS_SECONDS : BACKGROUND_NO_PROGRESS_SECONDS;
          }
        }
        case NO_PROGRESS_TIMEOUT_SECONDS ->
            job.noProgressTimeoutSeconds =
                value == null
                    ? (job.priority == JobPriority.FOREGROUND
                        ? FOREGROUND_NO_PROGRESS_SECONDS
                        : BACKGROUND_NO_PROGRESS_SECONDS)
                    : (Integer) value;
        default -> {}
      }
    } finally {
      engine.lock.unlock();
    }
    if (property == URI && !job.files.isEmpty() && value != null) {
      engine.setRemoteName(caller, job, job.files.get(0), (String) value);
    }
    engine.saveDelivery(job, null);
  }
}
