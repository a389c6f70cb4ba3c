package dev.ferry.engine.transfer;

import dev.ferry.spi.SourceKind;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a file's bytes came from, by kind of source, built from the transfer's events: a new kind
 * of source needs no new field. Bytes are counted as received, including those of pieces that
 * failed verification and were fetched again.
 *
 * @param byKind bytes received and responses opened, for each kind of source that sent any
 * @param activeMillis time spent transferring
 * @param piecesRejected pieces that failed verification
 */
public record SourceCounters(
    Map<SourceKind, PerKind> byKind, long activeMillis, int piecesRejected) {
  public static final SourceCounters ZERO = new SourceCounters(Map.of(), 0, 0);

  /**
   * What one kind of source delivered.
   *
   * @param bytes bytes received
   * @param connections responses opened (connections used, in DO's sense)
   */
  public record PerKind(long bytes, int connections) {}

  public SourceCounters {
    byKind = Map.copyOf(byKind);
  }

  /**
   * From the store's columns, which know three places bytes came from: HTTP (every kind but peers
   * and cache servers, kept as the origin's), peers and cache servers; connections as the origin's.
   * Until the store has a column for counts by kind, a kind of its own survives a restart only in
   * those sums.
   */
  public SourceCounters(
      long bytesFromHttp,
      long bytesFromPeers,
      long bytesFromCacheServer,
      int connections,
      long activeMillis,
      int piecesRejected) {
    this(
        stored(bytesFromHttp, bytesFromPeers, bytesFromCacheServer, connections),
        activeMillis,
        piecesRejected);
  }

  private static Map<SourceKind, PerKind> stored(
      long http, long peers, long cache, int connections) {
    Map<SourceKind, PerKind> byKind = new HashMap<>();
    if (http != 0 || connections != 0) {
      byKind.put(SourceKind.ORIGIN, new PerKind(http, connections));
    }
    if (peers != 0) {
      byKind.put(SourceKind.PEER, new PerKind(peers, 0));
    }
    if (cache != 0) {
      byKind.put(SourceKind.CACHE_SERVER, new PerKind(cache, 0));
    }
    return byKind;
  }

  /** Bytes received from sources of {@code kind}. */
  public long bytes(SourceKind kind) {
    PerKind counts = byKind.get(kind);
    return counts == null ? 0 : counts.bytes();
  }

  /** Responses opened from sources of {@code kind}. */
  public int connections(SourceKind kind) {
    PerKind counts = byKind.get(kind);
    return counts == null ? 0 : counts.connections();
  }

  public long totalBytes() {
    long total = 0;
    for (PerKind counts : byKind.values()) {
      total += counts.bytes();
    }
    return total;
  }

  /** Responses opened from every kind of source. */
  public int connections() {
    int total = 0;
    for (PerKind counts : byKind.values()) {
      total += counts.connections();
    }
    return total;
  }

  /** The store's HTTP column: every byte that came neither from peers nor from cache servers. */
  public long bytesFromHttp() {
    return totalBytes() - bytesFromPeers() - bytesFromCacheServer();
  }

  /** The store's peers column. */
  public long bytesFromPeers() {
    return bytes(SourceKind.PEER);
  }

  /** The store's cache-server column. */
  public long bytesFromCacheServer() {
    return bytes(SourceKind.CACHE_SERVER);
  }
}
