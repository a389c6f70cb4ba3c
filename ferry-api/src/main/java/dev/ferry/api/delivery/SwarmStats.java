package dev.ferry.api.delivery;

/**
 * DOSwarmStats: where a file's bytes came from and went to. Bytes are counted as received, so a
 * piece fetched again after it failed its integrity check counts twice; {@code downloadDuration} is
 * in milliseconds of active transfer.
 */
public record SwarmStats(
    String fileId,
    String sourceUrl,
    long fileSize,
    long totalBytesDownloaded,
    long bytesFromLanPeers,
    long bytesFromGroupPeers,
    long bytesFromInternetPeers,
    long bytesFromHttp,
    long bytesFromCacheServer,
    long bytesToLanPeers,
    long bytesToGroupPeers,
    long bytesToInternetPeers,
    int httpConnectionCount,
    int cacheServerConnectionCount,
    int lanConnectionCount,
    int groupConnectionCount,
    int internetConnectionCount,
    long downloadDuration,
    DownloadMode downloadMode,
    SwarmStatus status,
    boolean isBackground,
    int piecesFailedIntegrity) {

  /** BytesFromPeers in Get-DeliveryOptimizationStatus: LAN + group + internet peers. */
  public long bytesFromPeers() {
    return bytesFromLanPeers + bytesFromGroupPeers + bytesFromInternetPeers;
  }

  /** PercentPeerCaching: the share of downloaded bytes that came from peers. */
  public double percentPeerCaching() {
    long all = bytesFromPeers() + bytesFromHttp;
    return all == 0 ? 0 : 100.0 * bytesFromPeers() / all;
  }
}
