package dev.ferry.client;

import dev.ferry.api.JobProgress;
import dev.ferry.api.JobState;
import dev.ferry.api.JobTimes;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobView;
import java.time.Instant;
import java.util.Optional;

/** Conversions from the wire records to the API's values. */
final class Views {
  private Views() {}

  static JobProgress progress(JobView view) {
    JobView.Progress p = view.progress();
    return new JobProgress(
        p.bytesTotal(), p.bytesTransferred(), p.filesTotal(), p.filesTransferred());
  }

  static JobTimes times(JobView view) {
    JobView.Times t = view.times();
    return new JobTimes(
        Instant.parse(t.created()),
        Instant.parse(t.modified()),
        Optional.ofNullable(t.transferred()).map(Instant::parse));
  }

  static ProxySettings proxy(JobView view) {
    JobView.Proxy p = view.proxy();
    return new ProxySettings(ProxyUsage.valueOf(p.usage()), p.proxyList(), p.bypassList());
  }

  /** {@code view} as it reads once the job is final: no error any more. */
  static JobView withState(JobView view, JobState state) {
    return copy(view, state, view.files());
  }

  /** After Complete, the engine reports every transferred file as completed (in place). */
  static JobView acknowledged(JobView view) {
    return copy(
        view,
        JobState.ACKNOWLEDGED,
        view.files().stream().map(Views::completedIfTransferred).toList());
  }

  private static JobView copy(JobView view, JobState state, java.util.List<FileView> files) {
    return new JobView(
        view.id(),
        view.displayName(),
        view.description(),
        view.type(),
        state.name(),
        view.priority(),
        view.owner(),
        view.progress(),
        view.times(),
        view.errorCount(),
        null,
        view.notifyFlags(),
        view.minimumRetryDelaySeconds(),
        view.noProgressTimeoutSeconds(),
        view.proxy(),
        view.customHeaders(),
        view.notifyCmdLine(),
        files);
  }

  private static FileView completedIfTransferred(FileView f) {
    boolean transferred = f.bytesTotal() >= 0 && f.bytesTransferred() == f.bytesTotal();
    return new FileView(
        f.index(),
        f.remoteName(),
        f.localName(),
        f.temporaryName(),
        f.ranges(),
        f.bytesTotal(),
        f.bytesTransferred(),
        f.completed() || transferred);
  }
}
