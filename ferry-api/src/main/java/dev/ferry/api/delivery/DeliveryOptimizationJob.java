package dev.ferry.api.delivery;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.List;

/** IDeliveryOptimizationJob and IDeliveryOptimizationJob2: DO's additions to a job. */
public interface DeliveryOptimizationJob {
  /** DO_UNKNOWN_FILE_SIZE. */
  long UNKNOWN_FILE_SIZE = -1;

  /**
   * Adds ranges of a file (all of it when {@code ranges} is empty) identified by {@code fileId}.
   * Errors: E_INVALIDARG (no local name), DO_E_INVALID_RANGE, DO_E_OVERLAPPING_RANGES,
   * DO_E_INVALID_STATE (final job), E_ACCESSDENIED (directory not writable).
   *
   * @param fileSize the file's size if known, else {@link #UNKNOWN_FILE_SIZE}; a known size lets
   *     ranges be checked at once and is checked against the server's
   */
  DeliveryOptimizationFile addFileWithRanges(
      String fileId, String remoteUrl, String localName, List<DownloadRange> ranges, long fileSize);

  /**
   * Job2's AddFile: a file with no local name yet; set {@link
   * DeliveryFileProperty#DOWNLOAD_SINK_FILE_PATH} or a sink before the job is resumed.
   */
  DeliveryOptimizationFile addFile(String fileId, String remoteUrl, List<DownloadRange> ranges);

  /** DO_E_UNKNOWN_PROPERTY_ID for anything but EXTENDED_ERROR_INFO. */
  String getProperty(DeliveryJobProperty property);

  /** Always fails: EXTENDED_ERROR_INFO is read-only (DO_E_READ_ONLY_PROPERTY). */
  void setProperty(DeliveryJobProperty property, Object value);

  /** QueryInterface on a job. */
  static DeliveryOptimizationJob of(BackgroundCopyJob job) {
    return job.queryInterface(DeliveryOptimizationJob.class)
        .orElseThrow(() ->
            new FerryException(
                HResult.E_NOINTERFACE, job.getClass().getName() + " offers no DO job interface"));
  }
}
