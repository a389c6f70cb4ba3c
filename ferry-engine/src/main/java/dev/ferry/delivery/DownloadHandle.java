package dev.ferry.delivery;

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
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.job.FileView;
import dev.ferry.engine.job.JobFailure;
import dev.ferry.engine.job.JobKernel;
import dev.ferry.engine.job.JobRef;
import dev.ferry.engine.job.JobView;
import dev.ferry.engine.job.Validation;
import dev.ferry.engine.transfer.CreatedFiles;
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
 * added when it first starts, so it shares the scheduler, the store, the bandwidth policy and crash
 * recovery with BITS jobs; its DODownloadState is read off the job's state (see {@link #stateOf}).
 * Operations on one download are serialized on its record's {@code operations}.
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

  private final JobRef job;
  private final JobKernel kernel;
  private final EngineConfig config;
  private final JobOwner caller;
  private final DownloadRecord record;

  DownloadHandle(JobRef job, JobKernel kernel, JobOwner caller) {
    this.job = job;
    this.kernel = kernel;
    this.config = kernel.config();
    this.caller = caller;
    this.record = DownloadRecord.of(job);
  }

  @Override
  public String id() {
    return job.id().toString();
  }

  // --- life cycle --------------------------------------------------------------------------------

  @Override
  public void start(List<DownloadRange> ranges) {
    List<DownloadRange> checked = ranges == null ? null : DownloadRange.checked(ranges);
    boolean blocking;
    synchronized (record.operations) {
      DoErrors.run(() -> {
        JobView view = job.view(caller);
        switch (stateOf(view, record)) {
          case FINALIZED, ABORTED ->
              throw DoErrors.invalidState("the download is " + stateOf(view, record));
          case CREATED -> firstStart(checked);
          case TRANSFERRING -> {
            if (checked != null) {
              extend(checked);
            }
          }
          case PAUSED -> {
            if (record.createsDestination()) {
              // As the agent's open() of its own file: gone means ENOENT, and nothing is made anew.
              CreatedFiles.checkPresent(view.files().get(0).localPath());
            }
            if (checked != null) {
              extend(checked);
            }
            record.sinkError = 0;
            job.resume(caller);
          }
          case TRANSFERRED -> {
            if (checked != null) {
              extend(checked);
              job.resume(caller);
            }
          }
        }
      });
      blocking = record.flag(BLOCKING_MODE);
      watch();
    }
    if (blocking) {
      awaitOutcome();
    }
  }

  private void firstStart(List<DownloadRange> ranges) {
    String uri = record.text(URI);
    String local = record.text(LOCAL_PATH);
    DownloadSink sink = record.sink;
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
    DeliverySettings delivery =
        new DeliverySettings(
            record.text(CONTENT_ID),
            true,
            false,
            sink != null,
            record.text(INTEGRITY_CHECK_INFO),
            record.isSet(INTEGRITY_CHECK_MANDATORY) ? record.flag(INTEGRITY_CHECK_MANDATORY) : null,
            null,
            record.text(DECRYPTION_INFO),
            (Long) record.get(TOTAL_SIZE_BYTES));
    Path target = sink != null ? job.sinkPath(0) : Path.of(local);
    boolean created = record.createsDestination() && sink == null;
    if (created) {
      job.createDestination(target);
    } else if (sink == null) {
      createParents(target);
    }
    try {
      job.addFiles(
          caller,
          List.of(
              new JobRef.NewFile(
                  uri,
                  target.toString(),
                  toFileRanges(ranges),
                  DeliveryFile.with(delivery, sink))));
    } catch (RuntimeException e) {
      if (created) {
        job.deleteFile(target);
      }
      throw e;
    }
    record.started = true;
    job.saveKind();
    job.resume(caller);
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
    List<FileRange> more = toFileRanges(ranges);
    if (more == null) {
      more = List.of(new FileRange(0, FileRange.TO_EOF));
    }
    job.extendRanges(caller, 0, more);
  }

  @Override
  public void pause() {
    synchronized (record.operations) {
      DoErrors.run(() -> {
        JobView view = job.view(caller);
        switch (stateOf(view, record)) {
          case FINALIZED, ABORTED ->
              throw DoErrors.invalidState("the download is " + stateOf(view, record));
          case TRANSFERRING -> job.suspend(caller);
          case PAUSED -> {
            if (view.state() == JobState.TRANSIENT_ERROR) {
              job.suspend(caller); // the caller's pause ends the automatic retries
            }
          }
          default -> {}
        }
      });
    }
  }

  @Override
  public void abort() {
    synchronized (record.operations) {
      DoErrors.run(() -> {
        switch (state()) {
          case ABORTED -> {}
          case FINALIZED -> throw DoErrors.invalidState("the download is finalized");
          default -> job.cancel(caller);
        }
      });
    }
  }

  @Override
  public void finalizeDownload() {
    synchronized (record.operations) {
      DoErrors.run(() -> {
        switch (state()) {
          case FINALIZED -> {}
          case TRANSFERRED -> {
            DownloadWatcher watcher = record.watcher();
            if (watcher != null) {
              watcher.drain();
            }
            Path staged = job.view().files().get(0).localPath();
            job.complete(caller);
            if (record.sink != null) {
              deleteQuietly(staged);
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
    return statusOf(job.view(caller), record);
  }

  private DownloadState state() {
    return stateOf(job.view(caller), record);
  }

  /** DODownloadState as read off the job. */
  static DownloadState stateOf(JobView job, DownloadRecord record) {
    return switch (job.state()) {
      case SUSPENDED -> record.started ? DownloadState.PAUSED : DownloadState.CREATED;
      case QUEUED, CONNECTING, TRANSFERRING -> DownloadState.TRANSFERRING;
      case TRANSIENT_ERROR, ERROR -> DownloadState.PAUSED;
      case TRANSFERRED -> {
        DownloadWatcher watcher = record.watcher();
        // A sink download is transferred for its caller once the sink has every byte.
        yield watcher != null && !watcher.delivered()
            ? DownloadState.TRANSFERRING
            : DownloadState.TRANSFERRED;
      }
      case ACKNOWLEDGED -> DownloadState.FINALIZED;
      case CANCELLED -> DownloadState.ABORTED;
    };
  }

  static DownloadStatus statusOf(JobView job, DownloadRecord record) {
    DownloadState state = stateOf(job, record);
    long total = -1;
    long transferred = 0;
    if (!job.files().isEmpty()) {
      FileView file = job.files().get(0);
      total = file.bytesTotal();
      transferred = file.bytesTransferred();
      Long declared = DeliveryFile.settingsOf(file).totalSizeBytes();
      if (total < 0 && declared != null) {
        total = declared;
      }
    } else if (record.get(TOTAL_SIZE_BYTES) instanceof Long size) {
      total = size;
    }
    int error = 0;
    int extended = 0;
    JobFailure failure = job.failure().orElse(null);
    if (record.sinkError != 0 && state == DownloadState.PAUSED) {
      error = record.sinkError;
      extended = error;
    } else if (failure != null && state == DownloadState.PAUSED) {
      if (job.state() == JobState.TRANSIENT_ERROR) {
        extended = failure.code();
      } else if (job.state() == JobState.ERROR) {
        error = record.noProgress ? HResult.DO_E_DOWNLOAD_NO_PROGRESS.value() : failure.code();
        extended = failure.code();
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
    if (record.started && (record.callback != null || record.sink != null)) {
      record.watch(() -> new DownloadWatcher(job, this, record, kernel.clock()));
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
    JobView view = job.view(caller);
    Object value =
        switch (property) {
          case ID -> id();
          case NO_PROGRESS_TIMEOUT_SECONDS -> (int) view.noProgressTimeoutSeconds();
          case COST_POLICY ->
              record.isSet(property)
                  ? record.get(property)
                  : view.priority() == JobPriority.FOREGROUND
                      ? CostPolicy.ALWAYS
                      : CostPolicy.STANDARD;
          case CALLBACK_INTERFACE -> record.callback;
          case STREAM_INTERFACE -> record.sink;
          case HTTP_RESPONSE_HEADERS -> {
            String headers = view.files().isEmpty() ? "" : view.files().get(0).responseHeaders();
            yield headers.isEmpty() ? null : headers;
          }
          case HTTP_STATUS_CODE -> {
            ResponseInfo info = response(view);
            yield info.statusCode() == 0 ? null : info.statusCode();
          }
          case HTTP_SERVER_IP_ADDRESS -> response(view).serverAddress();
          case HTTP_REDIRECTION_TARGET -> response(view).redirectTarget();
          default -> record.isSet(property) ? record.get(property) : property.defaultValue();
        };
    if (value == null) {
      throw new FerryException(HResult.E_NOT_SET, property.doName() + " has not been set");
    }
    return value;
  }

  private static ResponseInfo response(JobView view) {
    return view.files().isEmpty() ? ResponseInfo.NONE : view.files().get(0).response();
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
    synchronized (record.operations) {
      DoErrors.run(() -> set(property, coerced));
      watch();
    }
  }

  private void validate(DownloadProperty property, Object value) {
    if (value == null) {
      return;
    }
    switch (property) {
      case URI -> Validation.remoteUrl((String) value, config);
      case LOCAL_PATH -> {
        Path path = Path.of((String) value);
        // The agent's way takes any path and fails the first start with ENOENT for a relative one.
        boolean relativeAllowed = record.createsDestination();
        if ((!path.isAbsolute() && !relativeAllowed)
            || ((String) value).length() > config.maxLocalPathLength()) {
          throw new FerryException(
              HResult.E_INVALIDARG, "LocalPath must be an absolute path: " + value);
        }
      }
      case DISPLAY_NAME -> Validation.displayName((String) value, HResult.E_INVALIDARG);
      case HTTP_CUSTOM_HEADERS, HTTP_CUSTOM_AUTH_HEADERS -> CustomHeaders.parse((String) value);
      case NO_PROGRESS_TIMEOUT_SECONDS -> {
        int floor =
            record.createsDestination() ? AGENT_MIN_NO_PROGRESS_SECONDS : MIN_NO_PROGRESS_SECONDS;
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
      case CACHE_HOSTS -> dev.ferry.api.ArgumentRules.cacheHosts((String) value);
      case CACHE_FALLBACK_DELAY -> {
        if ((Integer) value < -1) {
          throw new FerryException(
              HResult.E_INVALIDARG, "CacheFallbackDelay is -1 (never) or a number of seconds");
        }
      }
      case CONTENT_DESCRIPTION -> dev.ferry.api.ArgumentRules.contentDescription((String) value);
      case PEERS -> dev.ferry.api.ArgumentRules.peers((String) value);
      case DOWNLOAD_MODE -> {
        try {
          dev.ferry.api.delivery.DownloadMode.of((Integer) value);
        } catch (IllegalArgumentException e) {
          throw new FerryException(
              HResult.E_INVALIDARG, "DownloadMode is 0, 1, 2, 3, 99 or 100: " + value);
        }
      }
      case GROUP_ID -> {
        if (!((String) value).isBlank()) {
          dev.ferry.api.ArgumentRules.groupId((String) value);
        }
      }
      case TRACKERS -> dev.ferry.api.ArgumentRules.trackers((String) value);
      case DECRYPTION_INFO -> dev.ferry.engine.integrity.DecryptionInfo.parse((String) value);
      case INTEGRITY_CHECK_INFO ->
          dev.ferry.engine.integrity.IntegrityCheckInfo.parse((String) value);
      default -> {}
    }
  }

  /**
   * Checks the change against the download's state and applies it, to the record and to the job, as
   * one change of the job (under the engine's lock: see {@link JobRef#update}).
   */
  private void set(DownloadProperty property, Object value) {
    job.update(
        caller,
        settings -> {
          JobView view = settings.view();
          DownloadState state = stateOf(view, record);
          if (BEFORE_START.contains(property) && state != DownloadState.CREATED) {
            throw DoErrors.invalidState(
                property.doName() + " can change only before the first start");
          }
          if (property == URI && state != DownloadState.CREATED && state != DownloadState.PAUSED) {
            throw DoErrors.invalidState(
                "Uri can change only while the download is created or paused");
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
            default -> record.set(property, value);
          }
          switch (property) {
            case DISPLAY_NAME -> settings.displayName(value == null ? "" : (String) value);
            case HTTP_CUSTOM_HEADERS -> settings.customHeaders((String) value);
            case FOREGROUND_PRIORITY -> {
              boolean foreground = Boolean.TRUE.equals(value);
              settings.priority(foreground ? JobPriority.FOREGROUND : JobPriority.NORMAL);
              if (!record.isSet(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS)) {
                settings.noProgressTimeoutSeconds(defaultNoProgressTimeout(foreground));
              }
            }
            case CACHE_HOSTS ->
                settings.cacheHosts(
                    String.join(",", dev.ferry.api.ArgumentRules.cacheHosts((String) value)));
            case CACHE_FALLBACK_DELAY -> settings.cacheFallbackDelay((Integer) value);
            case CONTENT_DESCRIPTION ->
                settings.contentDescription(
                    dev.ferry.api.ArgumentRules.contentDescription((String) value));
            case PEERS ->
                settings.peers(String.join(",", dev.ferry.api.ArgumentRules.peers((String) value)));
            case DOWNLOAD_MODE -> settings.downloadMode((Integer) value);
            case HTTP_DELAY -> settings.httpDelay((Integer) value);
            case MIN_BACKGROUND_QOS -> settings.minBackgroundQos((Long) value);
            case GROUP_ID ->
                settings.groupId(
                    value == null || ((String) value).isBlank()
                        ? null
                        : dev.ferry.api.ArgumentRules.groupId((String) value).toString());
            case TRACKERS ->
                settings.trackers(
                    String.join(
                        ",",
                        dev.ferry.api.ArgumentRules.trackers((String) value).stream()
                            .map(java.net.URI::toString)
                            .toList()));
            case NO_PROGRESS_TIMEOUT_SECONDS ->
                settings.noProgressTimeoutSeconds(
                    value == null
                        ? defaultNoProgressTimeout(view.priority() == JobPriority.FOREGROUND)
                        : (Integer) value);
            default -> {}
          }
        });
    // The change was persisted with the job, the record's state with it.
    if (property == URI && value != null && !job.view().files().isEmpty()) {
      job.setRemoteName(caller, 0, (String) value);
    }
  }

  private static long defaultNoProgressTimeout(boolean foreground) {
    return foreground ? FOREGROUND_NO_PROGRESS_SECONDS : BACKGROUND_NO_PROGRESS_SECONDS;
  }
}
