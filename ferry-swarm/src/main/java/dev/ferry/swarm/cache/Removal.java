package dev.ferry.swarm.cache;

/** An entry that left the cache, and why. */
public record Removal(CacheEntry entry, Reason reason) {
  /** Why an entry left the cache. */
  public enum Reason {
    /** Older than DOMaxCacheAge (never a pinned entry). */
    AGE,
    /** Least recently served while the cache was over its limit (never a pinned entry). */
    SIZE,
    /** Deleted by its owner or the administrator. */
    DELETED,
    /** Its file was deleted under the cache. */
    MISSING,
    /** Its file was changed under the cache: another size or time, or a piece that failed. */
    CHANGED
  }

  /** Told of every removal, outside the cache's lock: a swarm stops serving the entry. */
  @FunctionalInterface
  public interface Listener {
    void removed(Removal removal);
  }
}
