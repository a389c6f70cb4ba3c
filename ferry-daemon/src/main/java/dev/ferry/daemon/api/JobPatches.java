package dev.ferry.daemon.api;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobPriority;
import dev.ferry.api.NotifyCmdLine;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.rest.JobPatch;
import java.time.Duration;

/**
 * Applies a {@link JobPatch}: the present fields in declared order, each through its own setter, so
 * the first failure stops the rest exactly as a sequence of calls on the embedded API would.
 */
final class JobPatches {
  private JobPatches() {}

  static void apply(JobPatch patch, BackgroundCopyJob job) {
    if (patch.displayName() != null) {
      job.setDisplayName(patch.displayName());
    }
    if (patch.description() != null) {
      job.setDescription(patch.description());
    }
    if (patch.priority() != null) {
      job.setPriority(Requests.enumValue(JobPriority.class, patch.priority(), "job priority"));
    }
    if (patch.notifyFlags() != null) {
      job.setNotifyFlags(NotifyFlag.fromMask(patch.notifyFlags()));
    }
    if (patch.minimumRetryDelaySeconds() != null) {
      job.setMinimumRetryDelay(seconds(patch.minimumRetryDelaySeconds(), "minimum retry delay"));
    }
    if (patch.noProgressTimeoutSeconds() != null) {
      job.setNoProgressTimeout(seconds(patch.noProgressTimeoutSeconds(), "no-progress timeout"));
    }
    if (patch.proxy() != null) {
      var proxy = patch.proxy();
      ProxyUsage usage =
          proxy.usage() == null
              ? null
              : Requests.enumValue(ProxyUsage.class, proxy.usage(), "proxy usage");
      job.setProxySettings(new ProxySettings(usage, proxy.proxyList(), proxy.bypassList()));
    }
    if (patch.customHeaders() != null) {
      job.setCustomHeaders(patch.customHeaders());
    }
    if (Boolean.TRUE.equals(patch.clearCustomHeaders())) {
      job.setCustomHeaders(null);
    }
    if (patch.notifyCmdLine() != null) {
      var commandLine = patch.notifyCmdLine();
      job.setNotifyCmdLine(new NotifyCmdLine(commandLine.program(), commandLine.parameters()));
    }
    if (Boolean.TRUE.equals(patch.clearNotifyCmdLine())) {
      job.setNotifyCmdLine(null);
    }
  }

  private static Duration seconds(long seconds, String what) {
    if (seconds < 0) {
      throw Requests.invalid("the " + what + " must be zero or more");
    }
    return Duration.ofSeconds(seconds);
  }
}
