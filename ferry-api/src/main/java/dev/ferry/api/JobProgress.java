package dev.ferry.api;

/**
 * BG_JOB_PROGRESS. {@code bytesTotal} is {@link FileProgress#SIZE_UNKNOWN} while any file's size is
 * unknown.
 */
public record JobProgress(
    long bytesTotal, long bytesTransferred, int filesTotal, int filesTransferred) {
  public boolean sizeKnown() {
    return bytesTotal != FileProgress.SIZE_UNKNOWN;
  }
}
