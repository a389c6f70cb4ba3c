package dev.ferry.rest;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.NotifyFlag;
import java.util.List;

/**
 * A job as the API reports it: everything IBackgroundCopyJob's getters return, read at one moment.
 * Enumerations travel by name ({@code "TRANSFERRING"}), HRESULTs as numbers with their names beside
 * them, times as ISO-8601 instants, durations in seconds.
 */
public record JobView(
    String id,
    String displayName,
    String description,
    String type,
    String state,
    String priority,
    Owner owner,
    Progress progress,
    Times times,
    int errorCount,
    ErrorView error,
    int notifyFlags,
    long minimumRetryDelaySeconds,
    long noProgressTimeoutSeconds,
    Proxy proxy,
    String customHeaders,
    CommandLine notifyCmdLine,
    List<FileView> files) {

  public record Owner(long uid, String name) {}

  public record Progress(
      long bytesTotal, long bytesTransferred, int filesTotal, int filesTransferred) {}

  /** ISO-8601 instants; {@code transferred} is absent until the job has been TRANSFERRED. */
  public record Times(String created, String modified, String transferred) {}

  public record Proxy(String usage, String proxyList, String bypassList) {}

  public record CommandLine(String program, String parameters) {}

  /** This view with {@code files} in place of its own. */
  public JobView withFiles(List<FileView> files) {
    return new JobView(
        id,
        displayName,
        description,
        type,
        state,
        priority,
        owner,
        progress,
        times,
        errorCount,
        error,
        notifyFlags,
        minimumRetryDelaySeconds,
        noProgressTimeoutSeconds,
        proxy,
        customHeaders,
        notifyCmdLine,
        files);
  }

  /** Reads every getter of {@code job} once. */
  public static JobView of(BackgroundCopyJob job) {
    return of(job, true);
  }

  /**
   * Every getter but the files ({@code files} is null, absent from the JSON): what a client polling
   * a job's state and progress needs, in a view whose size does not grow with the job's files.
   */
  public static JobView summaryOf(BackgroundCopyJob job) {
    return of(job, false);
  }

  private static JobView of(BackgroundCopyJob job, boolean withFiles) {
    var progress = job.progress();
    var times = job.times();
    var proxy = job.proxySettings();
    var owner = job.owner();
    var files = withFiles ? job.files() : null;
    var error = job.error();
    return new JobView(
        job.id().toString(),
        job.displayName(),
        job.description(),
        job.type().name(),
        job.state().name(),
        job.priority().name(),
        new Owner(owner.uid(), owner.name()),
        new Progress(
            progress.bytesTotal(),
            progress.bytesTransferred(),
            progress.filesTotal(),
            progress.filesTransferred()),
        new Times(
            times.creationTime().toString(),
            times.modificationTime().toString(),
            times.transferCompletionTime().map(Object::toString).orElse(null)),
        job.errorCount(),
        error.map(e -> ErrorView.of(e, files != null ? files : job.files())).orElse(null),
        NotifyFlag.toMask(job.notifyFlags()),
        job.minimumRetryDelay().toSeconds(),
        job.noProgressTimeout().toSeconds(),
        new Proxy(proxy.usage().name(), proxy.proxyList(), proxy.bypassList()),
        job.customHeaders(),
        job.notifyCmdLine().map(c -> new CommandLine(c.program(), c.parameters())).orElse(null),
        files == null
            ? null
            : java.util.stream.IntStream.range(0, files.size())
                .mapToObj(i -> FileView.of(i, files.get(i)))
                .toList());
  }
}
