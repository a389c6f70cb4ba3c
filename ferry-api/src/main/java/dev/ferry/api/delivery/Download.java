package dev.ferry.api.delivery;

import java.util.List;

/**
 * IDODownload, with IDODownloadInternal's Ex properties folded in. A download is one remote file
 * (or ranges of it) written to a local path or a {@link DownloadSink}; its life cycle is {@link
 * DownloadState}'s. Until {@link #finalizeDownload()} the bytes live in a temporary file beside the
 * local path, as a BITS job's do until Complete.
 */
public interface Download {
  /** The download's id (DODownloadProperty_Id). */
  String id();

  /**
   * Starts the whole file, or resumes a paused download. With BlockingMode set, returns when the
   * download is transferred or has failed.
   */
  default void start() {
    start(null);
  }

  /**
   * Starts (or resumes) fetching {@code ranges} of the file; null means the whole file on a first
   * start and "go on" afterwards. On a transferred download it fetches another part of the file.
   */
  void start(List<DownloadRange> ranges);

  void pause();

  /** Stops for good and deletes what the download wrote. */
  void abort();

  /** Moves the transferred file into place; the download cannot be started again. */
  void finalizeDownload();

  DownloadStatus status();

  Object getProperty(DownloadProperty property);

  void setProperty(DownloadProperty property, Object value);

  /** IDODownloadInternal::GetPropertyEx. */
  default Object getPropertyEx(DownloadPropertyEx property) {
    return getProperty(property.current());
  }

  /** IDODownloadInternal::SetPropertyEx. */
  default void setPropertyEx(DownloadPropertyEx property, Object value) {
    setProperty(property.current(), value);
  }
}
