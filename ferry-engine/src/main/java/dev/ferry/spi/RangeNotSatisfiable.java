package dev.ferry.spi;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;

/**
 * The request starts past the end of the remote file (HTTP's 416): the file shrank since the
 * transfer began, or a requested range lies beyond its end. The transfer decides which.
 */
public final class RangeNotSatisfiable extends TransferFailure {
  private static final long serialVersionUID = 1L;
  private final long remoteSize;

  /**
   * @param remoteSize the file's size as the source now reports it, or -1 when it did not say
   */
  public RangeNotSatisfiable(long remoteSize, String protocol, String message) {
    super(
        HResult.BG_E_INVALID_RANGE.value(),
        ErrorContext.REMOTE_FILE,
        false,
        protocol,
        null,
        message,
        null);
    this.remoteSize = remoteSize;
  }

  public long remoteSize() {
    return remoteSize;
  }
}
