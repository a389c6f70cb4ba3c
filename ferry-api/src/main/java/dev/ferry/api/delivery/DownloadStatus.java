package dev.ferry.api.delivery;

import dev.ferry.api.HResult;

/**
 * DO_DOWNLOAD_STATUS: a snapshot of a download.
 *
 * @param bytesTotal the size of what was asked for (the file, or the sum of the ranges); -1 while
 *     unknown
 * @param error a failure that stops the download (it stays {@link DownloadState#PAUSED} until
 *     started again), else {@code S_OK}
 * @param extendedError the cause of a pause that Ferry retries by itself, or the detail behind
 *     {@code error}; else {@code S_OK}
 */
public record DownloadStatus(
    long bytesTotal, long bytesTransferred, DownloadState state, int error, int extendedError) {

  /** The SDK's reading: a download has failed when {@code error} is set. */
  public boolean isError() {
    return error != HResult.S_OK.value();
  }

  /** The SDK's reading: paused with no error but a cause means Ferry will retry by itself. */
  public boolean isTransientError() {
    return state == DownloadState.PAUSED && !isError() && extendedError != HResult.S_OK.value();
  }

  public boolean isComplete() {
    return state == DownloadState.TRANSFERRED;
  }
}
