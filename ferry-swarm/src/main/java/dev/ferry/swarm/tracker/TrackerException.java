package dev.ferry.swarm.tracker;

import java.io.IOException;
import java.util.Optional;

/**
 * An announce that gave no usable answer: the tracker refused it (its {@code failure reason}, or a
 * UDP error), answered what is not a tracker response, answered too much, or did not answer.
 */
public final class TrackerException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String failureReason;

  private TrackerException(String message, String failureReason, Throwable cause) {
    super(message, cause);
    this.failureReason = failureReason;
  }

  /** The tracker answered, and refused: {@code reason} is its own words. */
  static TrackerException refused(Object tracker, String reason) {
    return new TrackerException("tracker " + tracker + " refused: " + reason, reason, null);
  }

  /** The answer was unusable or missing. */
  static TrackerException failed(Object tracker, String what) {
    return new TrackerException("tracker " + tracker + ": " + what, null, null);
  }

  static TrackerException failed(Object tracker, String what, Throwable cause) {
    return new TrackerException("tracker " + tracker + ": " + what, null, cause);
  }

  /** The tracker's own reason, when it refused the announce. */
  public Optional<String> failureReason() {
    return Optional.ofNullable(failureReason);
  }
}
