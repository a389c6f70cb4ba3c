package dev.ferry.spi;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import java.time.Duration;
import java.util.Objects;

/**
 * A source other than the origin stopped at byte {@link #offset} because it does not have that
 * piece to send now, though it may later: the peers that hold it choke this machine, say, or sent
 * none of it in time. Not a fault of the source: the planner leaves that piece to the other sources
 * for {@link #retryAfter} and goes on asking this one for the rest, where any other failure would
 * leave the whole source out.
 */
public final class SourceLacks extends TransferFailure {
  private static final long serialVersionUID = 1L;

  private final long offset;

  /**
   * @param offset the byte the source stopped at
   * @param retryAfter how long the piece of {@code offset} is left to the other sources
   */
  public SourceLacks(
      long offset,
      Duration retryAfter,
      HResult code,
      String protocol,
      String message,
      Throwable cause) {
    super(
        code.value(),
        ErrorContext.REMOTE_FILE,
        true,
        protocol,
        Objects.requireNonNull(retryAfter, "retryAfter"),
        message,
        cause);
    if (offset < 0 || retryAfter.isNegative()) {
      throw new IllegalArgumentException("offset " + offset + ", retry after " + retryAfter);
    }
    this.offset = offset;
  }

  /** The byte the source stopped at. */
  public long offset() {
    return offset;
  }
}
