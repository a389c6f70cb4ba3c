package dev.ferry.api;

/**
 * BG_FILE_PROGRESS. {@code bytesTotal} is {@link #SIZE_UNKNOWN} until the size is known; with
 * ranges it is the sum of the requested lengths. {@code completed} turns true once the file is
 * available under its local name, after a successful Complete.
 */
public record FileProgress(long bytesTotal, long bytesTransferred, boolean completed) {
  /** BG_SIZE_UNKNOWN. */
  public static final long SIZE_UNKNOWN = -1L;

  public boolean sizeKnown() {
    return bytesTotal != SIZE_UNKNOWN;
  }

  /** Whether every wanted byte has arrived (the "file transferred" test of BITS). */
  public boolean transferred() {
    return sizeKnown() && bytesTransferred == bytesTotal;
  }
}
