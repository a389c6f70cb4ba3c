package dev.ferry.api.delivery;

/**
 * IDODownloadStatusCallback. Called on a thread of Ferry's when the download's state changes, and
 * while it transfers as often as CallbackFreqSeconds / CallbackFreqPercent ask. Calls for one
 * download never overlap; an exception thrown here is logged and does not affect the download.
 */
@FunctionalInterface
public interface DownloadStatusCallback {
  void onStatusChange(Download download, DownloadStatus status);
}
