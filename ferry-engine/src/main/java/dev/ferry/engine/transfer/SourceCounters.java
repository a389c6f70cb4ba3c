package dev.ferry.engine.transfer;

/**
 * Where a file's bytes came from: the DO statistics. Bytes are counted as received, including those
 * of pieces that failed verification and were fetched again.
 *
 * @param connections responses opened (HTTP connections used, in DO's sense)
 * @param activeMillis time spent transferring
 */
public record SourceCounters(
    long bytesFromHttp,
    long bytesFromPeers,
    long bytesFromCacheServer,
    int connections,
    long activeMillis,
    int piecesRejected) {
  public static final SourceCounters ZERO = new SourceCounters(0, 0, 0, 0, 0, 0);

  public long totalBytes() {
    return bytesFromHttp + bytesFromPeers + bytesFromCacheServer;
  }
}
