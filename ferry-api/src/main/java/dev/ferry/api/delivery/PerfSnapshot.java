package dev.ferry.api.delivery;

/**
 * Get-DeliveryOptimizationPerfSnap for one caller: totals over the files Ferry holds for them, with
 * the bytes by kind of peer of Get-DeliveryOptimizationPerfSnapThisMonth. As in DO, {@code
 * bytesFromHttp} counts every HTTP source, the cache servers' bytes among them; {@code
 * httpConnections} (DO's CdnConnections) counts those to origins, {@code cacheHostConnections}
 * those to cache servers; {@code bytesFromPeers} and {@code peerConnections} are the sums over LAN,
 * group and Internet peers.
 */
public record PerfSnapshot(
    int files,
    int filesDownloaded,
    long totalBytesDownloaded,
    long bytesFromHttp,
    long bytesFromPeers,
    long bytesFromCacheServer,
    long bytesFromLanPeers,
    long bytesFromGroupPeers,
    long bytesFromInternetPeers,
    long totalBytesUploaded,
    long bytesToLanPeers,
    long bytesToGroupPeers,
    long bytesToInternetPeers,
    long averageDownloadSize,
    int foregroundDownloadCount,
    int foregroundDownloadsPending,
    int backgroundDownloadCount,
    int backgroundDownloadsPending,
    int httpConnections,
    int cacheHostConnections,
    int peerConnections,
    int lanConnections,
    int groupConnections,
    int internetConnections,
    int piecesFailedIntegrity,
    DownloadMode downloadMode) {

  /** The bytes that came from the files' origins: HTTP bytes that no cache server sent. */
  public long bytesFromOrigin() {
    return bytesFromHttp - bytesFromCacheServer;
  }

  /** The share of downloaded bytes, in percent, that did not come from the origins. */
  public double percentNotFromOrigin() {
    long all = bytesFromPeers + bytesFromHttp;
    return all == 0 ? 0 : 100.0 * (all - bytesFromOrigin()) / all;
  }
}
