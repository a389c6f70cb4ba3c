package dev.ferry.rest;

import dev.ferry.api.HResult;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;

/**
 * A DO download: its id and DO_DOWNLOAD_STATUS. {@code state} is a {@link DownloadState} name;
 * {@code bytesTotal} is -1 while unknown; the codes come with their symbolic names for readers.
 */
public record DownloadView(
    String id,
    String state,
    long bytesTotal,
    long bytesTransferred,
    int error,
    String errorName,
    int extendedError,
    String extendedErrorName) {

  public static DownloadView of(Download download) {
    return of(download.id(), download.status());
  }

  public static DownloadView of(String id, DownloadStatus status) {
    return new DownloadView(
        id,
        status.state().name(),
        status.bytesTotal(),
        status.bytesTransferred(),
        status.error(),
        HResult.nameOf(status.error()),
        status.extendedError(),
        HResult.nameOf(status.extendedError()));
  }

  public DownloadStatus toStatus() {
    return new DownloadStatus(
        bytesTotal, bytesTransferred, DownloadState.valueOf(state), error, extendedError);
  }
}
