package dev.ferry.api;

/**
 * IBackgroundCopyJob2's notification command line: a program the service runs when the job is
 * transferred or enters ERROR (per the JOB_TRANSFERRED and JOB_ERROR notify flags), when no
 * callback takes the notification. {@code parameters} is the argument string, split like a shell
 * would split it (quotes group words); the job's id and state are also in the environment as {@code
 * FERRY_JOB_ID} and {@code FERRY_JOB_STATE}.
 */
public record NotifyCmdLine(String program, String parameters) {
  /** The longest program path or parameter string accepted (BG_E_STRING_TOO_LONG beyond). */
  public static final int MAX_LENGTH = 4096;

  public NotifyCmdLine {
    if (program == null || program.isBlank()) {
      throw new FerryException(HResult.E_INVALIDARG, "a notification program is required");
    }
    if (program.length() > MAX_LENGTH || (parameters != null && parameters.length() > MAX_LENGTH)) {
      throw new FerryException(
          HResult.BG_E_STRING_TOO_LONG, "the notification command line is too long");
    }
    if (!program.startsWith("/")) {
      throw new FerryException(
          HResult.E_INVALIDARG, "the notification program must be an absolute path");
    }
    parameters = parameters == null ? "" : parameters;
  }
}
