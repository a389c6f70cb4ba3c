package dev.ferry.swarm.cache;

import java.time.Duration;

/**
 * The administrator's limits on the cache, with Delivery Optimization's policy names and defaults.
 *
 * @param maxCacheSize DOMaxCacheSize: the cache's share of the disk holding it, in percent (1 to
 *     100; default 20). Ferry reads it as a share of the disk's size, so that the cache's own bytes
 *     do not shrink its limit as it fills.
 * @param absoluteMaxCacheSize DOAbsoluteMaxCacheSize, in bytes (DO's is in GB); 0 is unset, the
 *     default. When set, the smaller of it and {@code maxCacheSize}'s share is the limit.
 * @param maxCacheAge DOMaxCacheAge: how long an entry is kept after it was added (default 259,200
 *     s, three days); {@link Duration#ZERO} keeps entries without a limit of age.
 * @param minFileSizeToCache DOMinFileSizeToCache, in bytes: smaller files are not cached, and so
 *     not offered from the cache (default 50 MB). Decimal units, as the other sizes here.
 * @param minRamAllowedToPeer DOMinRAMAllowedToPeer, in bytes: a machine with less memory neither
 *     caches nor serves from the cache (default 4 GB).
 * @param minDiskSizeAllowedToPeer DOMinDiskSizeAllowedToPeer, in bytes: a disk smaller than this
 *     holds no cache (default 32 GB).
 */
public record CachePolicy(
    int maxCacheSize,
    long absoluteMaxCacheSize,
    Duration maxCacheAge,
    long minFileSizeToCache,
    long minRamAllowedToPeer,
    long minDiskSizeAllowedToPeer) {
  // Decimal units: a machine sold with 4 GB of memory shows the kernel a little less than 4 GiB,
  // and a 32 GB disk's file system a little less than 32 GB; DO's minimums are meant to admit them.
  private static final long MB = 1_000_000L;
  private static final long GB = 1_000_000_000L;

  /** DO's defaults. */
  public static final CachePolicy DEFAULTS =
      new CachePolicy(20, 0, Duration.ofSeconds(259_200), 50 * MB, 4 * GB, 32 * GB);

  public CachePolicy {
    if (maxCacheSize < 1 || maxCacheSize > 100) {
      throw new IllegalArgumentException(
          "DOMaxCacheSize is a percentage, 1 to 100: " + maxCacheSize);
    }
    if (absoluteMaxCacheSize < 0) {
      throw new IllegalArgumentException("DOAbsoluteMaxCacheSize " + absoluteMaxCacheSize);
    }
    if (maxCacheAge == null || maxCacheAge.isNegative()) {
      throw new IllegalArgumentException("DOMaxCacheAge " + maxCacheAge);
    }
    if (minFileSizeToCache < 0 || minRamAllowedToPeer < 0 || minDiskSizeAllowedToPeer < 0) {
      throw new IllegalArgumentException("a minimum below zero");
    }
  }

  /** The cache's limit on a disk of {@code diskSize} bytes: the smaller of the two policies. */
  public long capacity(long diskSize) {
    long share = diskSize / 100 * maxCacheSize + diskSize % 100 * maxCacheSize / 100;
    return absoluteMaxCacheSize == 0 ? share : Math.min(share, absoluteMaxCacheSize);
  }

  /** Whether entries expire ({@code maxCacheAge} is not zero). */
  public boolean entriesExpire() {
    return !maxCacheAge.isZero();
  }

  public CachePolicy withMaxCacheSize(int percent) {
    return new CachePolicy(
        percent,
        absoluteMaxCacheSize,
        maxCacheAge,
        minFileSizeToCache,
        minRamAllowedToPeer,
        minDiskSizeAllowedToPeer);
  }

  public CachePolicy withAbsoluteMaxCacheSize(long bytes) {
    return new CachePolicy(
        maxCacheSize,
        bytes,
        maxCacheAge,
        minFileSizeToCache,
        minRamAllowedToPeer,
        minDiskSizeAllowedToPeer);
  }

  public CachePolicy withMaxCacheAge(Duration age) {
    return new CachePolicy(
        maxCacheSize,
        absoluteMaxCacheSize,
        age,
        minFileSizeToCache,
        minRamAllowedToPeer,
        minDiskSizeAllowedToPeer);
  }

  public CachePolicy withMinFileSizeToCache(long bytes) {
    return new CachePolicy(
        maxCacheSize,
        absoluteMaxCacheSize,
        maxCacheAge,
        bytes,
        minRamAllowedToPeer,
        minDiskSizeAllowedToPeer);
  }

  public CachePolicy withMinRamAllowedToPeer(long bytes) {
    return new CachePolicy(
        maxCacheSize,
        absoluteMaxCacheSize,
        maxCacheAge,
        minFileSizeToCache,
        bytes,
        minDiskSizeAllowedToPeer);
  }

  public CachePolicy withMinDiskSizeAllowedToPeer(long bytes) {
    return new CachePolicy(
        maxCacheSize,
        absoluteMaxCacheSize,
        maxCacheAge,
        minFileSizeToCache,
        minRamAllowedToPeer,
        bytes);
  }
}
