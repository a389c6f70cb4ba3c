package dev.ferry.daemon.dashboard;

import dev.ferry.metrics.FerryMetrics;
import dev.ferry.spi.SourceKind;
import java.util.Map;

/**
 * Bytes by where they came from, as the dashboard shows them: received from the origin, cache
 * servers, peers and other kinds of source, and uploaded to peers, of which to Internet peers
 * (those DO's monthly upload cap counts).
 */
record Amounts(
    long origin, long cache, long peer, long other, long uploaded, long uploadedToInternet) {
  static final Amounts ZERO = new Amounts(0, 0, 0, 0, 0, 0);

  /** Uploads all to Internet peers, as DO counts peers it cannot place. */
  Amounts(long origin, long cache, long peer, long other, long uploaded) {
    this(origin, cache, peer, other, uploaded, uploaded);
  }

  /** The metrics' totals since the daemon started. */
  static Amounts totalsOf(FerryMetrics metrics) {
    Map<String, Long> received = metrics.receivedBytes();
    long origin = received.getOrDefault("origin", 0L);
    long cache = received.getOrDefault("cache", 0L);
    long peer = 0;
    for (SourceKind kind : SourceKind.PEERS) {
      peer += received.getOrDefault(kind.name(), 0L);
    }
    long all = received.values().stream().mapToLong(Long::longValue).sum();
    return new Amounts(
        origin,
        cache,
        peer,
        all - origin - cache - peer,
        metrics.uploadedBytes(),
        metrics.uploadedBytes(FerryMetrics.INTERNET_PEERS));
  }

  Amounts plus(Amounts o) {
    return new Amounts(
        origin + o.origin,
        cache + o.cache,
        peer + o.peer,
        other + o.other,
        uploaded + o.uploaded,
        uploadedToInternet + o.uploadedToInternet);
  }

  /** What was added since {@code earlier}; never negative, as counters only grow. */
  Amounts minus(Amounts earlier) {
    return new Amounts(
        Math.max(0, origin - earlier.origin),
        Math.max(0, cache - earlier.cache),
        Math.max(0, peer - earlier.peer),
        Math.max(0, other - earlier.other),
        Math.max(0, uploaded - earlier.uploaded),
        Math.max(0, uploadedToInternet - earlier.uploadedToInternet));
  }

  boolean isZero() {
    return equals(ZERO);
  }
}
