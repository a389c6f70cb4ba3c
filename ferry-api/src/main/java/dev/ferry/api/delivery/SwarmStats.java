package dev.ferry.api.delivery;

/**
 * DOSwarmStats, with Get-DeliveryOptimizationStatus's CacheHost: where a file's bytes came from and
 * went to. Bytes are counted as received, so a piece fetched again after it failed its integrity
 * check counts twice; {@code downloadDuration} is in milliseconds of active transfer. As in DO,
 * {@code bytesFromHttp} counts every HTTP source, the cache servers' bytes ({@code
 * bytesFromCacheServer}) among them.
 *
 * @param cacheHost the cache host that served the file last (host, or host:port), or "" when none
 *     did
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
    int piecesFailedIntegrity,
    String cacheHost) {

  public SwarmStats {
    cacheHost = cacheHost == null ? "" : cacheHost;
  }

  /** BytesFromPeers in Get-DeliveryOptimizationStatus: LAN + group + internet peers. */
  public long bytesFromPeers() {
    return bytesFromLanPeers + bytesFromGroupPeers + bytesFromInternetPeers;
  }

  /** The bytes that came from the file's origin: HTTP bytes that no cache server sent. */
  public long bytesFromOrigin() {
    return bytesFromHttp - bytesFromCacheServer;
  }

  /** The share of downloaded bytes, in percent, that did not come from the origin. */
  public double percentNotFromOrigin() {
    long all = bytesFromPeers() + bytesFromHttp;
    return all == 0 ? 0 : 100.0 * (all - bytesFromOrigin()) / all;
  }

  /** PercentPeerCaching: the share of downloaded bytes that came from peers. */
  public double percentPeerCaching() {
    long all = bytesFromPeers() + bytesFromHttp;
    return all == 0 ? 0 : 100.0 * bytesFromPeers() / all;
  }
}
