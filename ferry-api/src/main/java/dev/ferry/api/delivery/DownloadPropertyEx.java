package dev.ferry.api.delivery;

/**
 * DODownloadPropertyEx, the deprecated IDODownloadInternal properties. Each maps onto the
 * DODownloadProperty that superseded it; the reserved ones that never had a meaning fail with
 * {@code DO_E_UNKNOWN_PROPERTY_ID}.
 */
public enum DownloadPropertyEx {
  UPDATE_ID(0, null),
  CORRELATION_VECTOR(1, DownloadProperty.CORRELATION_VECTOR),
  DECRYPTION_INFO(2, DownloadProperty.DECRYPTION_INFO),
  INTEGRITY_CHECK_INFO(3, DownloadProperty.INTEGRITY_CHECK_INFO),
  INTEGRITY_CHECK_MANDATORY(4, DownloadProperty.INTEGRITY_CHECK_MANDATORY),
  TOTAL_SIZE_BYTES(5, DownloadProperty.TOTAL_SIZE_BYTES),
  TEMP_LOCAL_FILE_USAGE(6, null);

  private final int value;
  private final DownloadProperty current;

  DownloadPropertyEx(int value, DownloadProperty current) {
    this.value = value;
    this.current = current;
  }

  public int value() {
    return value;
  }

  /** The property that replaced it; DO_E_UNKNOWN_PROPERTY_ID for the reserved ones. */
  public DownloadProperty current() {
    return PropertyNumbers.standsFor(current, this, "is reserved and has no meaning");
  }

  public static DownloadPropertyEx of(int value) {
    return PropertyNumbers.byNumber(
        values(), DownloadPropertyEx::value, value, "DODownloadPropertyEx");
  }
}
