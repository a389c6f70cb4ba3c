package dev.ferry.engine.bandwidth;

import dev.ferry.engine.transfer.Throttle;
import java.util.List;

/** Passes bytes through several buckets in turn: the job's class, then everything's. */
public final class BucketThrottle implements Throttle {
  private final List<TokenBucket> buckets;

  public BucketThrottle(List<TokenBucket> buckets) {
    this.buckets = List.copyOf(buckets);
  }

  @Override
  public void pass(long bytes) throws InterruptedException {
    for (TokenBucket bucket : buckets) {
      bucket.take(bytes);
    }
  }

  /** About a tenth of a second at the smallest cap, so pacing stays smooth. */
  @Override
  public int chunkLimit() {
    long smallest = TokenBucket.UNLIMITED;
    for (TokenBucket bucket : buckets) {
      smallest = Math.min(smallest, bucket.rate());
    }
    return smallest == TokenBucket.UNLIMITED
        ? Integer.MAX_VALUE
        : (int) Math.max(4096, Math.min(Integer.MAX_VALUE, smallest / 10));
  }
}
