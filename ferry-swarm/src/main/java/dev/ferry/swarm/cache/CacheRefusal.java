package dev.ferry.swarm.cache;

/** Why a file was not added to the cache; nothing was kept of it. */
public final class CacheRefusal extends Exception {
  private static final long serialVersionUID = 1L;

  /** The policy or check that refused it. */
  public enum Reason {
    /** Smaller than DOMinFileSizeToCache. */
    TOO_SMALL,
    /** Larger than the cache's limit less its pinned entries: it could never fit. */
    TOO_LARGE,
    /** The machine's memory is under DOMinRAMAllowedToPeer. */
    MEMORY_BELOW_MINIMUM,
    /** The cache's disk is smaller than DOMinDiskSizeAllowedToPeer. */
    DISK_BELOW_MINIMUM,
    /** The file is not a regular file, or its bytes are not the torrent's content. */
    NOT_THE_CONTENT
  }

  private final Reason reason;

  CacheRefusal(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
