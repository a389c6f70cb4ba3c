package dev.ferry.api.delivery;

/**
 * DOFilePropertyId (IDeliveryOptimizationFile2). The numbers follow the header's declaration order,
 * as C assigns them.
 */
public enum DeliveryFileProperty {
  DECRYPTION_INFO(0, DownloadProperty.DECRYPTION_INFO),
  INTEGRITY_CHECK_INFO(1, DownloadProperty.INTEGRITY_CHECK_INFO),
  INTEGRITY_CHECK_MANDATORY(2, DownloadProperty.INTEGRITY_CHECK_MANDATORY),
  /**
   * A {@link DownloadSink} that receives the file once it is transferred, in offset order. It lives
   * in the caller's process, so a job with such a file does not survive a restart of the engine.
   */
  DOWNLOAD_SINK_INTERFACE(3, DownloadProperty.STREAM_INTERFACE),
  DOWNLOAD_SINK_FILE_PATH(4, DownloadProperty.LOCAL_PATH),
  /**
   * Deprecated in DO: any use fails with DO_E_UNKNOWN_PROPERTY_ID. It was a read-write IStream, as
   * {@link #DOWNLOAD_SINK_INTERFACE} is.
   */
  DOWNLOAD_SINK_MEMORY_STREAM(5, null),
  TOTAL_SIZE_BYTES(6, DownloadProperty.TOTAL_SIZE_BYTES);

  private final int value;
  private final DownloadProperty download;

  DeliveryFileProperty(int value, DownloadProperty download) {
    this.value = value;
    this.download = download;
  }

  public int value() {
    return value;
  }

  /** The type of the download property with the same meaning. */
  public PropertyType type() {
    return typedAs().type();
  }

  /** The access of the download property with the same meaning. */
  public PropertyAccess access() {
    return typedAs().access();
  }

  /** The download property with the same meaning; DO_E_UNKNOWN_PROPERTY_ID for the deprecated. */
  public DownloadProperty downloadProperty() {
    return PropertyNumbers.standsFor(download, this, "is deprecated");
  }

  public static DeliveryFileProperty of(int value) {
    return PropertyNumbers.byNumber(
        values(), DeliveryFileProperty::value, value, "DO file property");
  }

  /** The download property whose type and access this one has. */
  private DownloadProperty typedAs() {
    return download == null ? DownloadProperty.STREAM_INTERFACE : download;
  }
}
