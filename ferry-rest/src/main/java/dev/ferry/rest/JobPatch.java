package dev.ferry.rest;

/**
 * PATCH {@link Routes#JOB}: the setters of IBackgroundCopyJob. Absent fields are left alone; the
 * present ones are applied in the order declared here, each as its own setter would, and the first
 * failure stops the rest. {@code clearCustomHeaders} and {@code clearNotifyCmdLine} pass a null to
 * their setter.
 */
public record JobPatch(
    String displayName,
    String description,
    String priority,
    Integer notifyFlags,
    Long minimumRetryDelaySeconds,
    Long noProgressTimeoutSeconds,
    JobView.Proxy proxy,
    String customHeaders,
    Boolean clearCustomHeaders,
    JobView.CommandLine notifyCmdLine,
    Boolean clearNotifyCmdLine) {

  public static JobPatch empty() {
    return new JobPatch(null, null, null, null, null, null, null, null, null, null, null);
  }
}
