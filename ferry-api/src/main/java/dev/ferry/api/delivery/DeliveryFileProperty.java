package dev.ferry.api.delivery;

import static dev.ferry.api.delivery.PropertyAccess.READ_WRITE;
import static dev.ferry.api.delivery.PropertyAccess.WRITE_ONLY;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;

/**
 * DOFilePropertyId (IDeliveryOptimizationFile2). The numbers follow the header's declaration order,
 * as C assigns them.
 */
public enum DeliveryFileProperty {
  DECRYPTION_INFO(0, PropertyType.STRING, WRITE_ONLY, DownloadProperty.DECRYPTION_INFO),
  INTEGRITY_CHECK_INFO(1, PropertyType.STRING, WRITE_ONLY, DownloadProperty.INTEGRITY_CHECK_INFO),
  INTEGRITY_CHECK_MANDATORY(
      2, PropertyType.BOOLEAN, READ_WRITE, DownloadProperty.INTEGRITY_CHECK_MANDATORY),
  /**
   * A {@link DownloadSink} that receives the file once it is transferred, in offset order. It lives
   * in the caller's process, so a job with such a file does not survive a restart of the engine.
   */
  DOWNLOAD_SINK_INTERFACE(3, PropertyType.SINK, READ_WRITE, DownloadProperty.STREAM_INTERFACE),
  DOWNLOAD_SINK_FILE_PATH(4, PropertyType.STRING, READ_WRITE, DownloadProperty.LOCAL_PATH),
  /** Deprecated in DO: any use fails with DO_E_UNKNOWN_PROPERTY_ID. */
  DOWNLOAD_SINK_MEMORY_STREAM(5, PropertyType.SINK, READ_WRITE, null),
  TOTAL_SIZE_BYTES(6, PropertyType.UINT64, READ_WRITE, DownloadProperty.TOTAL_SIZE_BYTES);

  private final int value;
  private final PropertyType type;
  private final PropertyAccess access;
  private final DownloadProperty download;

  DeliveryFileProperty(
      int value, PropertyType type, PropertyAccess access, DownloadProperty download) {
    this.value = value;
    this.type = type;
    this.access = access;
    this.download = download;
  }

  public int value() {
    return value;
  }

  public PropertyType type() {
    return type;
  }

  public PropertyAccess access() {
    return access;
  }

  /** The download property with the same meaning; DO_E_UNKNOWN_PROPERTY_ID for the deprecated. */
  public DownloadProperty downloadProperty() {
    if (download == null) {
      throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, this + " is deprecated");
    }
    return download;
  }

  public static DeliveryFileProperty of(int value) {
    for (DeliveryFileProperty property : values()) {
      if (property.value == value) {
        return property;
      }
    }
    throw new FerryException(
        HResult.DO_E_UNKNOWN_PROPERTY_ID, "no DO file property has the number " + value);
  }
}
