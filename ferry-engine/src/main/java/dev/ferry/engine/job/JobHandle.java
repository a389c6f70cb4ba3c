package dev.ferry.engine.job;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.AuthTarget;
import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobProgress;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.JobTimes;
import dev.ferry.api.JobType;
import dev.ferry.api.NotifyCmdLine;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.engine.transfer.CustomHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A caller's view of a job: every call checks the caller's right to it. */
final class JobHandle implements BackgroundCopyJob {

  private final JobEngine engine;
  private final Job job;
  private final JobOwner caller;

  JobHandle(JobEngine engine, Job job, JobOwner caller) {
    this.engine = engine;
    this.job = job;
    this.caller = caller;
  }

  private <T> T read(java.util.function.Function<Job, T> getter) {
    return engine.locked(() -> {
      engine.checkReadable(caller, job);
      return getter.apply(job);
    });
  }

  // --- files ---

  @Override
  public BackgroundCopyFile addFile(String remoteUrl, String localName) {
    return addFiles(List.of(new JobIntake.NewFile(remoteUrl, localName, null))).get(0);
  }

  @Override
  public List<BackgroundCopyFile> addFileSet(List<FileInfo> files) {
    return addFiles(
        ArgumentRules.fileSet(files).stream()
            .map(f -> new JobIntake.NewFile(f.remoteName(), f.localName(), null))
            .toList());
  }

  @Override
  public BackgroundCopyFile addFileWithRanges(
      String remoteUrl, String localName, List<FileRange> ranges) {
    ArgumentRules.ranges(ranges);
    return addFiles(List.of(new JobIntake.NewFile(remoteUrl, localName, ranges))).get(0);
  }

  private List<BackgroundCopyFile> addFiles(List<JobIntake.NewFile> files) {
    return engine.intake.addFiles(caller, job, files).stream()
        .<BackgroundCopyFile>map(f -> new FileHandle(engine, job, f, caller))
        .toList();
  }

  @Override
  public List<BackgroundCopyFile> files() {
    return read(j ->
        j.files.stream()
            .<BackgroundCopyFile>map(f -> new FileHandle(engine, j, f, caller))
            .toList());
  }

  // --- state ---

  @Override
  public void suspend() {
    engine.suspend(caller, job);
  }

  @Override
  public void resume() {
    engine.resume(caller, job);
  }

  @Override
  public HResult cancel() {
    return engine.endings.cancel(caller, job);
  }

  @Override
  public HResult complete() {
    return engine.endings.complete(caller, job);
  }

  @Override
  public UUID id() {
    return job.id;
  }

  @Override
  public JobType type() {
    return job.type;
  }

  @Override
  public JobProgress progress() {
    return read(j ->
        new JobProgress(
            j.progress.bytesTotal(),
            j.progress.bytesTransferred(),
            j.files.size(),
            j.progress.filesDone()));
  }

  @Override
  public JobTimes times() {
    return read(j ->
        new JobTimes(
            Instant.ofEpochMilli(j.createdMs),
            Instant.ofEpochMilli(j.modifiedMs),
            j.transferredMs > 0
                ? Optional.of(Instant.ofEpochMilli(j.transferredMs))
                : Optional.empty()));
  }

  @Override
  public JobState state() {
    return read(j -> j.state);
  }

  @Override
  public Optional<BackgroundCopyError> error() {
    return read(j -> {
      boolean inError = j.state == JobState.ERROR || j.state == JobState.TRANSIENT_ERROR;
      return inError && j.failure != null
          ? Optional.<BackgroundCopyError>of(new ErrorView(engine, j, j.failure, caller))
          : Optional.empty();
    });
  }

  @Override
  public int errorCount() {
    return read(j -> j.errorCount);
  }

  @Override
  public JobOwner owner() {
    return read(j -> j.owner);
  }

  @Override
  public void takeOwnership() {
    engine.takeOwnership(caller, job);
  }

  // --- properties ---

  @Override
  public String displayName() {
    return read(j -> j.displayName);
  }

  @Override
  public void setDisplayName(String displayName) {
    Validation.displayName(displayName, HResult.BG_E_STRING_TOO_LONG);
    engine.mutate(caller, job, j -> j.displayName = displayName);
  }

  @Override
  public String description() {
    return read(j -> j.description);
  }

  @Override
  public void setDescription(String description) {
    Validation.description(description);
    engine.mutate(caller, job, j -> j.description = description);
  }

  @Override
  public JobPriority priority() {
    return read(j -> j.priority);
  }

  @Override
  public void setPriority(JobPriority priority) {
    engine.setPriority(caller, job, priority);
  }

  @Override
  public Set<NotifyFlag> notifyFlags() {
    return read(j -> NotifyFlag.fromMask(j.notifyFlags));
  }

  @Override
  public void setNotifyFlags(Set<NotifyFlag> flags) {
    int mask = ArgumentRules.notifyFlags(flags);
    engine.mutate(caller, job, j -> j.notifyFlags = mask);
  }

  @Override
  public Optional<BackgroundCopyCallback> notifyInterface() {
    return read(j -> Optional.ofNullable(j.callback));
  }

  @Override
  public void setNotifyInterface(BackgroundCopyCallback callback) {
    engine.setNotifyInterface(caller, job, callback);
  }

  @Override
  public Duration minimumRetryDelay() {
    return read(j -> Duration.ofSeconds(j.minRetryDelaySeconds));
  }

  @Override
  public void setMinimumRetryDelay(Duration delay) {
    long seconds = ArgumentRules.seconds(delay, "retry delay");
    long effective = Math.max(JobEngine.MIN_RETRY_DELAY_FLOOR_SECONDS, seconds);
    engine.mutate(caller, job, j -> j.minRetryDelaySeconds = effective);
  }

  @Override
  public Duration noProgressTimeout() {
    return read(j -> Duration.ofSeconds(j.noProgressTimeoutSeconds));
  }

  @Override
  public void setNoProgressTimeout(Duration timeout) {
    long seconds = ArgumentRules.seconds(timeout, "no-progress timeout");
    engine.mutate(caller, job, j -> j.noProgressTimeoutSeconds = seconds);
  }

  @Override
  public ProxySettings proxySettings() {
    return read(j -> j.proxy);
  }

  @Override
  public void setProxySettings(ProxySettings settings) {
    ArgumentRules.proxySettings(settings);
    engine.mutate(caller, job, j -> j.proxy = settings);
  }

  @Override
  public String customHeaders() {
    return read(j -> j.customHeaders);
  }

  @Override
  public void setCustomHeaders(String headers) {
    ArgumentRules.customHeaders(headers);
    CustomHeaders.parse(headers);
    engine.mutate(
        caller, job, j -> j.customHeaders = headers == null || headers.isEmpty() ? null : headers);
  }

  @Override
  public Optional<NotifyCmdLine> notifyCmdLine() {
    return read(j -> Optional.ofNullable(j.notifyCmdLine));
  }

  @Override
  public void setNotifyCmdLine(NotifyCmdLine commandLine) {
    engine.mutate(caller, job, j -> j.notifyCmdLine = commandLine);
  }

  @Override
  public JobPropertyValue getProperty(JobPropertyId id) {
    ArgumentRules.propertyId(id);
    return read(j -> JobProperties.get(j, id));
  }

  @Override
  public void setProperty(JobPropertyId id, JobPropertyValue value) {
    ArgumentRules.propertyId(id);
    ArgumentRules.propertyValue(value);
    engine.mutate(caller, job, j -> JobProperties.set(j, id, value));
  }

  /** The extensions' interfaces on the job: DO's IDeliveryOptimizationJob. */
  @Override
  public <T> Optional<T> queryInterface(Class<T> type) {
    Optional<T> own = BackgroundCopyJob.super.queryInterface(type);
    return own.isPresent() ? own : engine.extensions.jobInterface(job, caller, type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobHandle other && other.job == job;
  }

  @Override
  public int hashCode() {
    return job.id.hashCode();
  }

  @Override
  public String toString() {
    return "BackgroundCopyJob[" + job.id + " '" + job.displayName + "']";
  }

  /** The rules of IBackgroundCopyJob5's properties (docs/bits-semantics.md#job-properties). */
  static final class JobProperties {
    private JobProperties() {}

    /**
     * The job's Ferry properties (numbers from 1000) that are set, for the sources of its files
     * ({@link dev.ferry.spi.FileRef#properties}).
     */
    static java.util.Map<JobPropertyId, JobPropertyValue> forSources(Job j) {
      java.util.Map<JobPropertyId, JobPropertyValue> set =
          new java.util.EnumMap<>(JobPropertyId.class);
      for (JobPropertyId id : JobPropertyId.values()) {
        if (id.value() < 1000) {
          continue;
        }
        try {
          set.put(id, get(j, id));
        } catch (FerryException notSet) {
          // E_NOT_SET: the job leaves it to the engine.
        }
      }
      return set;
    }

    static JobPropertyValue get(Job j, JobPropertyId id) {
      return switch (id) {
        case COST_FLAGS -> new JobPropertyValue.Dword(j.costFlags);
        case NOTIFICATION_CLSID ->
            new JobPropertyValue.ClsId(
                j.notificationClsid == null ? new UUID(0, 0) : j.notificationClsid);
        case DYNAMIC_CONTENT -> new JobPropertyValue.Enable(j.dynamicContent);
        case HIGH_PERFORMANCE -> new JobPropertyValue.Enable(j.highPerformance);
        case MAX_DOWNLOAD_SIZE -> new JobPropertyValue.Uint64(j.maxDownloadSize);
        case USE_STORED_CREDENTIALS -> {
          if (j.storedCredentials == 0) {
            throw new FerryException(HResult.E_NOT_SET, "USE_STORED_CREDENTIALS has not been set");
          }
          yield new JobPropertyValue.Target(AuthTarget.of(j.storedCredentials));
        }
        case MINIMUM_NOTIFICATION_INTERVAL_MS ->
            new JobPropertyValue.Dword(j.minNotificationIntervalMs);
        case ON_DEMAND_MODE -> new JobPropertyValue.Enable(j.onDemand);
        case MAX_TRANSFER_RATE -> new JobPropertyValue.Uint64(j.maxTransferRate);
        case CACHE_HOSTS -> new JobPropertyValue.Text(j.cacheHosts);
        case CACHE_FALLBACK_DELAY -> {
          if (j.cacheFallbackDelay == null) {
            throw new FerryException(HResult.E_NOT_SET, "CACHE_FALLBACK_DELAY has not been set");
          }
          yield new JobPropertyValue.Dword(j.cacheFallbackDelay);
        }
        case CONTENT_DESCRIPTION -> new JobPropertyValue.Text(j.contentDescription);
        case PEERS -> new JobPropertyValue.Text(j.peers);
        case DOWNLOAD_MODE -> {
          if (j.downloadMode == null) {
            throw new FerryException(HResult.E_NOT_SET, "DOWNLOAD_MODE has not been set");
          }
          yield new JobPropertyValue.Dword(j.downloadMode);
        }
        case HTTP_DELAY -> {
          if (j.httpDelay == null) {
            throw new FerryException(HResult.E_NOT_SET, "HTTP_DELAY has not been set");
          }
          yield new JobPropertyValue.Dword(j.httpDelay);
        }
        case MIN_BACKGROUND_QOS -> {
          if (j.minBackgroundQos == null) {
            throw new FerryException(HResult.E_NOT_SET, "MIN_BACKGROUND_QOS has not been set");
          }
          yield new JobPropertyValue.Uint64(j.minBackgroundQos);
        }
        case GROUP_ID -> {
          if (j.groupId == null) {
            throw new FerryException(HResult.E_NOT_SET, "GROUP_ID has not been set");
          }
          yield new JobPropertyValue.Text(j.groupId);
        }
        case TRACKERS -> new JobPropertyValue.Text(j.trackers);
      };
    }

    static void set(Job j, JobPropertyId id, JobPropertyValue value) {
      switch (id) {
        case COST_FLAGS -> j.costFlags = expect(value, JobPropertyValue.Dword.class, id).value();
        case NOTIFICATION_CLSID -> {
          UUID clsid = expect(value, JobPropertyValue.ClsId.class, id).value();
          j.notificationClsid =
              clsid.getMostSignificantBits() == 0 && clsid.getLeastSignificantBits() == 0
                  ? null
                  : clsid;
        }
        case DYNAMIC_CONTENT -> {
          boolean enable = expect(value, JobPropertyValue.Enable.class, id).value();
          downloadOnly(j, id);
          notAfterResume(j, id);
          if (enable
              && (j.onDemand || j.files.stream().anyMatch(f -> !f.state.ranges().isEmpty()))) {
            throw new FerryException(
                HResult.BG_E_UNSUPPORTED_JOB_CONFIGURATION,
                "DYNAMIC_CONTENT cannot be combined with file ranges or ON_DEMAND_MODE");
          }
          j.dynamicContent = enable;
        }
        case HIGH_PERFORMANCE -> {
          boolean enable = expect(value, JobPropertyValue.Enable.class, id).value();
          downloadOnly(j, id);
          if (!j.files.isEmpty()) {
            throw new FerryException(
                HResult.BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE,
                "HIGH_PERFORMANCE must be set before files are added");
          }
          j.highPerformance = enable;
        }
        case MAX_DOWNLOAD_SIZE -> {
          long size = expect(value, JobPropertyValue.Uint64.class, id).value();
          downloadOnly(j, id);
          notAfterResume(j, id);
          if (size < 0) {
            throw new FerryException(
                HResult.BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE, "MAX_DOWNLOAD_SIZE is too large");
          }
          j.maxDownloadSize = size;
        }
        case USE_STORED_CREDENTIALS -> {
          AuthTarget target = expect(value, JobPropertyValue.Target.class, id).value();
          if (target != AuthTarget.PROXY) {
            throw new FerryException(
                HResult.BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED,
                "stored credentials may be used only for the proxy");
          }
          j.storedCredentials = target.value();
        }
        case MINIMUM_NOTIFICATION_INTERVAL_MS ->
            j.minNotificationIntervalMs = expect(value, JobPropertyValue.Dword.class, id).value();
        case ON_DEMAND_MODE -> {
          boolean enable = expect(value, JobPropertyValue.Enable.class, id).value();
          downloadOnly(j, id);
          notAfterResume(j, id);
          if (enable
              && (j.dynamicContent
                  || j.files.stream().anyMatch(f -> !f.state.ranges().isEmpty()))) {
            throw new FerryException(
                HResult.BG_E_UNSUPPORTED_JOB_CONFIGURATION,
                "ON_DEMAND_MODE cannot be combined with DYNAMIC_CONTENT or file ranges");
          }
          j.onDemand = enable;
        }
        case MAX_TRANSFER_RATE -> {
          long rate = expect(value, JobPropertyValue.Uint64.class, id).value();
          if (rate < 0) {
            throw new FerryException(
                HResult.E_INVALIDARG,
                "MAX_TRANSFER_RATE is too large: " + Long.toUnsignedString(rate));
          }
          j.maxTransferRate = rate;
        }
        case CACHE_HOSTS ->
            j.cacheHosts =
                String.join(
                    ",",
                    dev.ferry.api.ArgumentRules.cacheHosts(
                        expect(value, JobPropertyValue.Text.class, id).value()));
        case CACHE_FALLBACK_DELAY -> {
          int seconds = expect(value, JobPropertyValue.Dword.class, id).value();
          if (seconds < -1) {
            throw new FerryException(
                HResult.E_INVALIDARG,
                "CACHE_FALLBACK_DELAY is -1 (never) or a number of seconds: " + seconds);
          }
          j.cacheFallbackDelay = seconds;
        }
        case CONTENT_DESCRIPTION ->
            j.contentDescription =
                dev.ferry.api.ArgumentRules.contentDescription(
                    expect(value, JobPropertyValue.Text.class, id).value());
        case PEERS ->
            j.peers =
                String.join(
                    ",",
                    dev.ferry.api.ArgumentRules.peers(
                        expect(value, JobPropertyValue.Text.class, id).value()));
        case DOWNLOAD_MODE -> {
          int mode = expect(value, JobPropertyValue.Dword.class, id).value();
          try {
            dev.ferry.api.delivery.DownloadMode.of(mode);
          } catch (IllegalArgumentException e) {
            throw new FerryException(
                HResult.E_INVALIDARG,
                "DOWNLOAD_MODE is 0, 1, 2, 3, 99 or 100 (DO's DownloadMode): " + mode);
          }
          j.downloadMode = mode;
        }
        // Every Dword is a delay: DO's delays go up to 4,294,967,295 s (0xFFFFFFFF).
        case HTTP_DELAY -> j.httpDelay = expect(value, JobPropertyValue.Dword.class, id).value();
        case MIN_BACKGROUND_QOS -> {
          long rate = expect(value, JobPropertyValue.Uint64.class, id).value();
          if (rate < 0) {
            throw new FerryException(
                HResult.E_INVALIDARG,
                "MIN_BACKGROUND_QOS is too large: " + Long.toUnsignedString(rate));
          }
          j.minBackgroundQos = rate;
        }
        case GROUP_ID ->
            j.groupId = groupId(expect(value, JobPropertyValue.Text.class, id).value());
        case TRACKERS ->
            j.trackers = trackers(expect(value, JobPropertyValue.Text.class, id).value());
      }
    }

    /** A Group ID as the job keeps it (a lowercase GUID), null for "" (the machine's). */
    static String groupId(String text) {
      if (text == null || text.isBlank()) {
        return null;
      }
      return dev.ferry.api.ArgumentRules.groupId(text).toString();
    }

    /** Trackers as the job keeps them: checked, separated by commas; "" for the machine's. */
    static String trackers(String text) {
      return String.join(
          ",",
          dev.ferry.api.ArgumentRules.trackers(text).stream().map(java.net.URI::toString).toList());
    }

    private static <T extends JobPropertyValue> T expect(
        JobPropertyValue value, Class<T> type, JobPropertyId id) {
      if (!type.isInstance(value)) {
        throw new FerryException(
            HResult.E_INVALIDARG,
            id
                + " takes a "
                + type.getSimpleName()
                + " value, not "
                + value.getClass().getSimpleName());
      }
      return type.cast(value);
    }

    private static void downloadOnly(Job j, JobPropertyId id) {
      if (j.type != JobType.DOWNLOAD) {
        throw new FerryException(
            HResult.BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY,
            id + " applies to download jobs only");
      }
    }

    private static void notAfterResume(Job j, JobPropertyId id) {
      if (j.resumedOnce) {
        throw new FerryException(
            HResult.BG_E_READ_ONLY_PROPERTY_AFTER_RESUME,
            id + " cannot change once the job has been resumed");
      }
    }
  }
}
