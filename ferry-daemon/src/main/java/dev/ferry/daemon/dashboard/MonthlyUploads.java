package dev.ferry.daemon.dashboard;

import dev.ferry.metrics.FerryMetrics;
import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.session.UploadAccount;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ferryd's account of what peers are sent: every block counts in the metrics by kind of peer (and
 * so in the dashboard's months, {@link UsageSampler}), and once this month's uploads to Internet
 * peers reach the cap (DO's DOMonthlyUploadDataCap, which counts those alone) Internet peers are
 * served no more until the month ends. Whether the cap is reached is worked out at most once a
 * second: the swarm asks before every block.
 */
public final class MonthlyUploads implements UploadAccount {
  private static final long RECHECK_NANOS = 1_000_000_000L;

  private final FerryMetrics metrics;
  private final AtomicReference<UsageSampler> usage = new AtomicReference<>();
  private volatile boolean capReached;
  private volatile long checkedAt = System.nanoTime() - RECHECK_NANOS;

  public MonthlyUploads(FerryMetrics metrics) {
    this.metrics = metrics;
  }

  /** The sampler that keeps the month's totals, once the daemon made it (after the swarm). */
  public void bind(UsageSampler sampler) {
    usage.set(sampler);
  }

  @Override
  public boolean mayUpload(SourceKind peer) {
    // DO's cap counts Internet peers alone: LAN and group peers are served past it.
    if (!SourceKind.PEER.equals(peer)) {
      return true;
    }
    long now = System.nanoTime();
    if (now - checkedAt >= RECHECK_NANOS) {
      checkedAt = now;
      UsageSampler sampler = usage.get();
      capReached = sampler != null && sampler.uploadCapReached();
    }
    return !capReached;
  }

  @Override
  public void uploaded(SourceKind peer, long bytes) {
    metrics.peerUploaded(FerryMetrics.peerKindLabel(peer), bytes);
  }
}
