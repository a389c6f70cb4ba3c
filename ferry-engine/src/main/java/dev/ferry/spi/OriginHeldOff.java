package dev.ferry.spi;

/**
 * A source offered besides the origin failed, and the origin must not be asked in its place yet (a
 * cache server's fallback delay has not passed): the failure is the file's, transient, so the job
 * retries later and asks that source first again. Any other failure of such a source sends the
 * planner to the next source, the origin last.
 */
public final class OriginHeldOff extends TransferFailure {
  private static final long serialVersionUID = 1L;

  /** Holds the origin off for {@code failure}, keeping its code, context and message. */
  public OriginHeldOff(TransferFailure failure, String why) {
    super(
        failure.hresult(),
        failure.context(),
        true,
        failure.protocol(),
        null,
        failure.getMessage() + "; " + why,
        failure);
  }
}
