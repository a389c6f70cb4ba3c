package dev.ferry.api.delivery;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.List;

/**
 * IDOManager. Downloads belong to the caller that created them; enumeration never shows another
 * caller's downloads.
 */
public interface DeliveryManager {
  /** A new download in state CREATED. */
  Download createDownload();

  /** The caller's downloads that are not final. */
  default List<Download> enumDownloads() {
    return enumDownloads(null);
  }

  /** The caller's downloads whose category property equals its value; null means all. */
  List<Download> enumDownloads(DownloadCategory category);

  /**
   * Get-DeliveryOptimizationStatus: every file of the caller's that is not final, from downloads
   * and jobs alike, with its statistics.
   */
  List<FileDeliveryStatus> deliveryStatus();

  /** Get-DeliveryOptimizationPerfSnap: the caller's totals. */
  PerfSnapshot perfSnapshot();

  /** QueryInterface: the DO manager behind a BITS manager. */
  static DeliveryManager of(BackgroundCopyManager manager) {
    return manager
        .queryInterface(DeliveryManager.class)
        .orElseThrow(() ->
            new FerryException(
                HResult.E_NOINTERFACE, manager.getClass().getName() + " offers no DO manager"));
  }
}
