package dev.ferry.api.delivery;

/**
 * Get-DeliveryOptimizationPerfSnap for one caller: totals over the files Ferry holds for them.
 * Upload and peer figures stay 0 until Ferry shares pieces with peers.
 */
public record PerfSnapshot(
    int files,
    int filesDownloaded,
    long totalBytesDownloaded,
    long bytesFromHttp,
    long bytesFromPeers,
    long bytesFromCacheServer,
    long totalBytesUploaded,
    long averageDownloadSize,
    int foregroundDownloadCount,
    int foregroundDownloadsPending,
    int backgroundDownloadCount,
    int backgroundDownloadsPending,
    int httpConnections,
    int peerConnections,
    int piecesFailedIntegrity,
    DownloadMode downloadMode) {}
