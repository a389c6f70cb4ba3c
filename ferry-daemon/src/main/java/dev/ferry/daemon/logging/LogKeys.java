package dev.ferry.daemon.logging;

/**
 * The keys of ferryd's log lines, one name for one thing on every line (README.md, "Logs", lists
 * them), so that {@code journalctl | grep job=ID} finds all of a job's lines.
 */
public final class LogKeys {
  private LogKeys() {}

  /** A job's id. */
  public static final String JOB = "job";

  /** The index of a file in its job. */
  public static final String FILE = "file";

  /** A job's state, and the one it left. */
  public static final String STATE = "state";

  public static final String FROM = "from";

  /** The uid of the job's owner. */
  public static final String OWNER = "owner";

  /**
   * The uid of the local API's caller whose request the line is about: in the MDC while a request
   * is handled, on a job's line when the request made the change.
   */
  public static final String CALLER = "caller";

  /** An HRESULT in hex ({@code 0x80190194}), its name and what the failure said. */
  public static final String HRESULT = "hresult";

  public static final String HRESULT_NAME = "hresult_name";
  public static final String REASON = "reason";

  /**
   * The logger whose level a request changed, and its new level (every line has its own {@code
   * logger} and {@code level} already).
   */
  public static final String CHANGED_LOGGER = "changed_logger";

  public static final String NEW_LEVEL = "new_level";
}
