package dev.ferry.spi;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import java.time.Duration;

/**
 * Why a transfer stopped: the documented HRESULT and context, and whether the service should retry
 * by itself (TRANSIENT_ERROR) or wait for the application (ERROR).
 */
public class TransferFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final int hresult;
  private final ErrorContext context;
  private final boolean transientError;
  private final transient Duration retryAfter;
  private final String protocol;

  public TransferFailure(
      int hresult,
      ErrorContext context,
      boolean transientError,
      String protocol,
      Duration retryAfter,
      String message,
      Throwable cause) {
    super(message, cause);
    this.hresult = hresult;
    this.context = context;
    this.transientError = transientError;
    this.protocol = protocol;
    this.retryAfter = retryAfter;
  }

  public static TransferFailure fatal(
      HResult code, ErrorContext context, String protocol, String message) {
    return new TransferFailure(code.value(), context, false, protocol, null, message, null);
  }

  public static TransferFailure transientFailure(
      HResult code, ErrorContext context, String protocol, String message, Throwable cause) {
    return new TransferFailure(code.value(), context, true, protocol, null, message, cause);
  }

  public int hresult() {
    return hresult;
  }

  public ErrorContext context() {
    return context;
  }

  public boolean isTransient() {
    return transientError;
  }

  /** The protocol involved ("http" or "file"), or null when the failure is not protocol-related. */
  public String protocol() {
    return protocol;
  }

  /** How long the server asked us to wait (Retry-After), or null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public String toString() {
    return HResult.nameOf(hresult)
        + " ("
        + context
        + (transientError ? ", transient" : "")
        + "): "
        + getMessage();
  }
}
