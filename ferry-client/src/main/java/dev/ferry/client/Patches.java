package dev.ferry.client;

import dev.ferry.rest.JobPatch;
import dev.ferry.rest.JobView;

/** One-field {@link JobPatch}es: each setter of the job sends exactly its own field. */
final class Patches {
  private Patches() {}

  static JobPatch displayName(String name) {
    return new JobPatch(name, null, null, null, null, null, null, null, null, null, null);
  }

  static JobPatch description(String description) {
    return new JobPatch(null, description, null, null, null, null, null, null, null, null, null);
  }

  static JobPatch priority(String priority) {
    return new JobPatch(null, null, priority, null, null, null, null, null, null, null, null);
  }

  static JobPatch notifyFlags(int mask) {
    return new JobPatch(null, null, null, mask, null, null, null, null, null, null, null);
  }

  static JobPatch minimumRetryDelay(long seconds) {
    return new JobPatch(null, null, null, null, seconds, null, null, null, null, null, null);
  }

  static JobPatch noProgressTimeout(long seconds) {
    return new JobPatch(null, null, null, null, null, seconds, null, null, null, null, null);
  }

  static JobPatch proxy(JobView.Proxy proxy) {
    return new JobPatch(null, null, null, null, null, null, proxy, null, null, null, null);
  }

  /** Null clears the headers, as SetCustomHeaders(NULL) does. */
  static JobPatch customHeaders(String headers) {
    return headers == null
        ? new JobPatch(null, null, null, null, null, null, null, null, true, null, null)
        : new JobPatch(null, null, null, null, null, null, null, headers, null, null, null);
  }

  /** Null clears the command line. */
  static JobPatch notifyCmdLine(JobView.CommandLine commandLine) {
    return commandLine == null
        ? new JobPatch(null, null, null, null, null, null, null, null, null, null, true)
        : new JobPatch(null, null, null, null, null, null, null, null, null, commandLine, null);
  }
}
