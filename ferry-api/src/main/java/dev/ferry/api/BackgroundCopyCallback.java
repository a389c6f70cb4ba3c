package dev.ferry.api;

import java.util.List;

/**
 * IBackgroundCopyCallback with Callback2 (file transferred) and Callback3 (file ranges
 * transferred). Calls arrive on Ferry's notification threads, never on a transfer thread.
 *
 * <p>A {@link #jobTransferred} or {@link #jobError} call that throws is made again later, until one
 * returns normally: delivery is at least once. Modification calls are throttled by the job's
 * MINIMUM_NOTIFICATION_INTERVAL_MS and may be coalesced.
 */
public interface BackgroundCopyCallback {
  /** Every file has arrived; call {@link BackgroundCopyJob#complete()} to make them visible. */
  default void jobTransferred(BackgroundCopyJob job) {}

  /** The job entered ERROR. */
  default void jobError(BackgroundCopyJob job, BackgroundCopyError error) {}

  /** Bytes arrived, a file was added, a property or the state changed. */
  default void jobModification(BackgroundCopyJob job) {}

  /** One file has arrived (BG_NOTIFY_FILE_TRANSFERRED). */
  default void fileTransferred(BackgroundCopyJob job, BackgroundCopyFile file) {}

  /** Ranges of a file have arrived (BG_NOTIFY_FILE_RANGES_TRANSFERRED). */
  default void fileRangesTransferred(
      BackgroundCopyJob job, BackgroundCopyFile file, List<FileRange> ranges) {}
}
