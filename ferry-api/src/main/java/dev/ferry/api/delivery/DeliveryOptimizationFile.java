package dev.ferry.api.delivery;

import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;

/** IDeliveryOptimizationFile and IDeliveryOptimizationFile2: DO's per-file status and settings. */
public interface DeliveryOptimizationFile {
  SwarmStats getStats();

  /** Errors: DO_E_UNKNOWN_PROPERTY_ID, DO_E_WRITE_ONLY_PROPERTY, E_NOT_SET when never set. */
  Object getProperty(DeliveryFileProperty property);

  /**
   * Allowed while the job is SUSPENDED and the file has not started; DO_E_INVALID_STATE otherwise.
   */
  void setProperty(DeliveryFileProperty property, Object value);

  /** QueryInterface on a file. */
  static DeliveryOptimizationFile of(BackgroundCopyFile file) {
    return file.queryInterface(DeliveryOptimizationFile.class)
        .orElseThrow(() ->
            new FerryException(
                HResult.E_NOINTERFACE, file.getClass().getName() + " offers no DO file interface"));
  }
}
