package dev.ferry.engine.store;

import java.util.UUID;

/**
 * A job as persisted. Times are epoch milliseconds; 0 means "not set". Error fields are null when
 * the job has no error. {@code download} holds a DO download's properties as JSON and is null for a
 * BITS job.
 */
public record JobRow(
    UUID id,
    long sequence,
    int type,
    long ownerUid,
    String ownerName,
    String displayName,
    String description,
    int priority,
    int state,
    long createdMs,
    long modifiedMs,
    long transferredMs,
    int errorCount,
    Integer errorContext,
    Integer errorCode,
    Integer errorFile,
    String errorProtocol,
    int notifyFlags,
    long minRetryDelaySeconds,
    long noProgressTimeoutSeconds,
    int proxyUsage,
    String proxyList,
    String proxyBypass,
    String customHeaders,
    int costFlags,
    UUID notificationClsid,
    boolean dynamicContent,
    boolean highPerformance,
    long maxDownloadSize,
    int storedCredentials,
    int minNotificationIntervalMs,
    boolean onDemand,
    boolean resumedOnce,
    long transientSinceMs,
    long retryAtMs,
    String notifyProgram,
    String notifyParameters,
    String download,
    long maxTransferRate,
    String cacheHosts,
    Integer cacheFallbackDelayS,
    String contentDescription,
    String peers,
    Integer downloadMode,
    Integer httpDelayS,
    Long minBackgroundQos,
    String groupId,
    String trackers) {}
