package dev.ferry.cli;

/** What {@code ferry} exits with, so scripts can tell outcomes apart. */
final class ExitCodes {
  static final int OK = 0;

  /** The transfer or the request failed; the message says why. */
  static final int FAILED = 1;

  /** The command line was wrong (picocli's own code). */
  static final int USAGE = 2;

  /** Interrupted (Ctrl+C); a download can be resumed by running the same command again. */
  static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
