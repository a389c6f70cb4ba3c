package dev.ferry.api;

/**
 * The one exception type of the Ferry API. It carries the documented HRESULT of the failure, so
 * callers can branch on {@link #hresult()} exactly as they would on a BITS or Delivery Optimization
 * return value.
 */
public final class FerryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int hresult;

  public FerryException(int hresult, String message) {
    this(hresult, message, null);
  }

  public FerryException(int hresult, String message, Throwable cause) {
    super(message == null || message.isEmpty() ? HResult.describe(hresult) : message, cause);
    if (HResult.succeeded(hresult)) {
      throw new IllegalArgumentException("not a failure code: " + HResult.hex(hresult));
    }
    this.hresult = hresult;
  }

  public FerryException(HResult code, String message) {
    this(code.value(), message, null);
  }

  public FerryException(HResult code) {
    this(code.value(), code.message(), null);
  }

  /** The failing HRESULT. */
  public int hresult() {
    return hresult;
  }

  /** The HRESULT's symbolic name, such as {@code BG_E_INVALID_STATE}. */
  public String hresultName() {
    return HResult.nameOf(hresult);
  }

  /** Whether this failure carries {@code code}. */
  public boolean is(HResult code) {
    return hresult == code.value();
  }

  @Override
  public String toString() {
    return "FerryException[" + hresultName() + " " + HResult.hex(hresult) + "]: " + getMessage();
  }
}
