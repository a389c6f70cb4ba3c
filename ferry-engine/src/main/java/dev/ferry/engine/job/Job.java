package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.api.JobType;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.engine.notify.Notifier;
import dev.ferry.engine.store.JobRow;
import dev.ferry.engine.transfer.ProgressTotals;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A job's authoritative in-memory record. Every field is guarded by the engine lock; the store
 * holds a copy that is rewritten whenever the job changes.
 */
final class Job {

  final UUID id;
  final long sequence;
  final JobType type;
  final long createdMs;

  /** Changed only through {@link #addFiles} and {@link #removeFiles}, which keep the totals. */
  final List<JobFile> files = new ArrayList<>();

  /** The files' progress summed as they change: read on every event and poll. */
  final ProgressTotals progress = new ProgressTotals();

  final Notifier notifier;

  JobOwner owner;
  String displayName;
  String description = "";
  JobPriority priority = JobPriority.NORMAL;
  JobState state = JobState.SUSPENDED;
  long modifiedMs;
  long transferredMs;
  int errorCount;
  JobFailure failure;

  int notifyFlags;
  long minRetryDelaySeconds = 600;
  long noProgressTimeoutSeconds = 1_209_600;
  ProxySettings proxy = ProxySettings.PRECONFIG;
  String customHeaders;
  int costFlags;
  UUID notificationClsid;
  boolean dynamicContent;
  boolean highPerformance;
  long maxDownloadSize;

  /** MAX_TRANSFER_RATE in bytes per second, 0 for none; read by {@link #rateCap} as bytes flow. */
  volatile long maxTransferRate;

  /** CACHE_HOSTS: the job's cache hosts, "" for the engine's. */
  volatile String cacheHosts = "";

  /** CACHE_FALLBACK_DELAY in seconds (-1: never), or null for the engine's. */
  volatile Integer cacheFallbackDelay;

  /** CONTENT_DESCRIPTION: base64 of the torrent peers share the files by, "" for none. */
  volatile String contentDescription = "";

  /** PEERS: known peers, HOST:PORT separated by commas, "" for none. */
  volatile String peers = "";

  /** DOWNLOAD_MODE: DO's DownloadMode, or null when unset. */
  volatile Integer downloadMode;

  /** HTTP_DELAY in seconds (a Dword read unsigned), or null for the engine's. */
  volatile Integer httpDelay;

  /** MIN_BACKGROUND_QOS in bytes per second (0: never), or null for the engine's. */
  volatile Long minBackgroundQos;

  /** GROUP_ID: the job's Group ID (a GUID, lowercase), or null for the machine's. */
  volatile String groupId;

  /** TRACKERS: the job's tracker URLs separated by commas, "" for the machine's. */
  volatile String trackers = "";

  /** The job's own cap, which every one of its transfers passes through besides the policy's. */
  final dev.ferry.engine.bandwidth.TokenBucket rateCap;

  int storedCredentials;
  int minNotificationIntervalMs = 500;
  boolean onDemand;
  boolean resumedOnce;

  /** When the no-progress timer started (first transient error since progress); 0 = not running. */
  long transientSinceMs;

  long retryAtMs;

  /** Transient failures since the job last received bytes or was resumed; not persisted. */
  int failuresInARow;

  /** What kind of job this is, with that kind's state of it. */
  JobKind kind = JobKind.BITS;

  /** Job2's notification command line, or null. */
  dev.ferry.api.NotifyCmdLine notifyCmdLine;

  // Not persisted.
  BackgroundCopyCallback callback;
  JobRunner runner;
  long sliceStartNanos;
  long lastRunMs;
  long lastProgressEventNanos;

  Job(
      UUID id,
      long sequence,
      JobType type,
      JobOwner owner,
      String displayName,
      long createdMs,
      Notifier notifier,
      dev.ferry.spi.Clock clock) {
    this.id = id;
    this.sequence = sequence;
    this.type = type;
    this.owner = owner;
    this.displayName = displayName;
    this.createdMs = createdMs;
    this.modifiedMs = createdMs;
    this.notifier = notifier;
    this.rateCap =
        new dev.ferry.engine.bandwidth.TokenBucket(
            () ->
                maxTransferRate == 0
                    ? dev.ferry.engine.bandwidth.TokenBucket.UNLIMITED
                    : maxTransferRate,
            clock);
  }

  boolean isRunning() {
    return runner != null;
  }

  /**
   * Whether the bytes go straight to the destination, without a temporary file: BITS's
   * HIGH_PERFORMANCE, or a DO download that created its destination ({@link
   * DownloadPlacement#CREATED_IN_PLACE}).
   */
  boolean writesInPlace() {
    return highPerformance || createsDestination();
  }

  /** A DO download whose first start created its destination, which it must never replace. */
  boolean createsDestination() {
    return kind.createsDestination();
  }

  /** Where the file's bytes are written until Complete. */
  java.nio.file.Path writtenPath(JobFile file) {
    return writesInPlace() ? file.localPath : file.tempPath;
  }

  /** Adds files at the end, counting each in {@link #progress}. */
  void addFiles(List<JobFile> added) {
    for (JobFile file : added) {
      file.state.countIn(progress);
    }
    files.addAll(added);
  }

  /** Takes back files {@link #addFiles} added. */
  void removeFiles(List<JobFile> removed) {
    files.removeAll(removed);
    for (JobFile file : removed) {
      file.state.countOut();
    }
  }

  JobRow toRow() {
    return new JobRow(
        id,
        sequence,
        type.value(),
        owner.uid(),
        owner.name(),
        displayName,
        description,
        priority.value(),
        state.value(),
        createdMs,
        modifiedMs,
        transferredMs,
        errorCount,
        failure == null ? null : failure.context().value(),
        failure == null ? null : failure.code(),
        failure == null ? null : failure.fileIndex(),
        failure == null ? null : failure.protocol() + "\n" + failure.message(),
        notifyFlags,
        minRetryDelaySeconds,
        noProgressTimeoutSeconds,
        proxy.usage().value(),
        proxy.proxyList(),
        proxy.bypassList(),
        customHeaders,
        costFlags,
        notificationClsid,
        dynamicContent,
        highPerformance,
        maxDownloadSize,
        storedCredentials,
        minNotificationIntervalMs,
        onDemand,
        resumedOnce,
        transientSinceMs,
        retryAtMs,
        notifyCmdLine == null ? null : notifyCmdLine.program(),
        notifyCmdLine == null ? null : notifyCmdLine.parameters(),
        kind.encode(),
        maxTransferRate,
        cacheHosts.isEmpty() ? null : cacheHosts,
        cacheFallbackDelay,
        contentDescription.isEmpty() ? null : contentDescription,
        peers.isEmpty() ? null : peers,
        downloadMode,
        httpDelay,
        minBackgroundQos,
        groupId,
        trackers.isEmpty() ? null : trackers);
  }

  /**
   * @param kinds turns a persisted kind state into the job's kind ({@link JobKind#BITS} for null)
   */
  static Job fromRow(
      JobRow row,
      Notifier notifier,
      dev.ferry.spi.Clock clock,
      java.util.function.Function<String, JobKind> kinds) {
    Job job =
        new Job(
            row.id(),
            row.sequence(),
            JobType.of(row.type()),
            new JobOwner(row.ownerUid(), row.ownerName()),
            row.displayName(),
            row.createdMs(),
            notifier,
            clock);
    job.description = row.description();
    job.priority = JobPriority.of(row.priority());
    job.state = JobState.of(row.state());
    job.modifiedMs = row.modifiedMs();
    job.transferredMs = row.transferredMs();
    job.errorCount = row.errorCount();
    if (row.errorCode() != null) {
      String protocolAndMessage = row.errorProtocol() == null ? "\n" : row.errorProtocol();
      int newline = protocolAndMessage.indexOf('\n');
      String protocol = newline < 0 ? protocolAndMessage : protocolAndMessage.substring(0, newline);
      String message = newline < 0 ? "" : protocolAndMessage.substring(newline + 1);
      job.failure =
          new JobFailure(
              ErrorContext.of(row.errorContext()),
              row.errorCode(),
              row.errorFile() == null ? -1 : row.errorFile(),
              protocol.isEmpty() || protocol.equals("null") ? null : protocol,
              message);
    }
    job.notifyFlags = row.notifyFlags();
    job.minRetryDelaySeconds = row.minRetryDelaySeconds();
    job.noProgressTimeoutSeconds = row.noProgressTimeoutSeconds();
    job.proxy =
        new ProxySettings(ProxyUsage.of(row.proxyUsage()), row.proxyList(), row.proxyBypass());
    job.customHeaders = row.customHeaders();
    job.costFlags = row.costFlags();
    job.notificationClsid = row.notificationClsid();
    job.dynamicContent = row.dynamicContent();
    job.highPerformance = row.highPerformance();
    job.maxDownloadSize = row.maxDownloadSize();
    job.maxTransferRate = row.maxTransferRate();
    job.cacheHosts = row.cacheHosts() == null ? "" : row.cacheHosts();
    job.cacheFallbackDelay = row.cacheFallbackDelayS();
    job.contentDescription = row.contentDescription() == null ? "" : row.contentDescription();
    job.peers = row.peers() == null ? "" : row.peers();
    job.downloadMode = row.downloadMode();
    job.httpDelay = row.httpDelayS();
    job.minBackgroundQos = row.minBackgroundQos();
    job.groupId = row.groupId();
    job.trackers = row.trackers() == null ? "" : row.trackers();
    job.storedCredentials = row.storedCredentials();
    job.minNotificationIntervalMs = row.minNotificationIntervalMs();
    job.onDemand = row.onDemand();
    job.resumedOnce = row.resumedOnce();
    job.transientSinceMs = row.transientSinceMs();
    job.retryAtMs = row.retryAtMs();
    job.kind = kinds.apply(row.download());
    if (row.notifyProgram() != null) {
      job.notifyCmdLine =
          new dev.ferry.api.NotifyCmdLine(row.notifyProgram(), row.notifyParameters());
    }
    return job;
  }
}
