package dev.ferry.engine.job;

import dev.ferry.api.JobState;
import dev.ferry.engine.store.FileRow;
import dev.ferry.engine.store.JobRow;
import dev.ferry.engine.store.Store;
import dev.ferry.spi.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the jobs back when an engine opens: finishes what a crash interrupted (a Complete's
 * renames, a Cancel's deletes), drops volatile DO downloads, reconciles each file's recorded
 * progress with what is on disk, and queues again what was transferring.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private final Store store;
  private final FilePlacement placement;
  private final Notifications notifications;
  private final Clock clock;
  private final java.util.function.Function<String, JobKind> kinds;
  private final java.util.function.Function<String, FileExtension> extensions;

  Recovery(
      Store store,
      FilePlacement placement,
      Notifications notifications,
      Clock clock,
      java.util.function.Function<String, JobKind> kinds,
      java.util.function.Function<String, FileExtension> extensions) {
    this.kinds = kinds;
    this.extensions = extensions;
    this.store = store;
    this.placement = placement;
    this.notifications = notifications;
    this.clock = clock;
  }

  /**
   * Loads every job into {@code jobs}, in creation order.
   *
   * @return the sequence number for the next new job
   */
  long recover(Map<UUID, Job> jobs) {
    Map<JobRow, List<FileRow>> rows = store.loadAll();
    long maxSequence = 0;
    for (Map.Entry<JobRow, List<FileRow>> entry : rows.entrySet()) {
      JobRow row = entry.getKey();
      maxSequence = Math.max(maxSequence, row.sequence());
      Job job = Job.fromRow(row, notifications.newNotifier(row.id()), clock, kinds);
      job.addFiles(
          entry.getValue().stream().map(fileRow -> JobFile.fromRow(fileRow, extensions)).toList());
      if (job.state.isFinal()) {
        // The process died between recording Cancel/Complete and finishing it: finish it now.
        finishFinal(job);
        continue;
      }
      if (isVolatile(job)) {
        // DO keeps a download only when it is NonVolatile; a sink lived in the process that died.
        job.state = JobState.CANCELLED;
        finishFinal(job);
        continue;
      }
      boolean refetch = false;
      for (JobFile file : job.files) {
        if (!job.writesInPlace()
            && file.state.isTransferred()
            && !file.state.isCompleted()
            && !Files.exists(file.tempPath)
            && Files.exists(file.localPath)) {
          // Complete renamed this file, then the process died before recording it. The rename is
          // atomic, so the file is in place: record that instead of forgetting its bytes, which
          // would leave a TRANSFERRED job with an untransferred file (and PARTIAL_COMPLETE next).
          file.state.markCompleted();
          store.updateFile(file.toRow(job.id));
          continue;
        }
        boolean dataGone =
            !file.state.isCompleted()
                && !Files.exists(job.writtenPath(file), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (dataGone || (job.highPerformance && !file.state.isTransferred())) {
          file.state.forget();
        }
        // A transferred file whose last pieces were not flushed when the machine went down.
        refetch |=
            !dataGone
                && job.state == JobState.TRANSFERRED
                && !file.state.isTransferred()
                && !file.state.isCompleted();
      }
      if (refetch) {
        log.atInfo()
            .addKeyValue("job", job.id)
            .log("the job fetches again what a restart of the machine lost of its files");
      }
      if (job.state == JobState.CONNECTING || job.state == JobState.TRANSFERRING || refetch) {
        job.state = JobState.QUEUED;
      }
      jobs.put(job.id, job);
    }
    return maxSequence + 1;
  }

  private static boolean isVolatile(Job job) {
    if (!job.kind.keptAcrossRestart()) {
      return true;
    }
    return job.files.stream().anyMatch(f -> !f.extension.keptAcrossRestart());
  }

  private void finishFinal(Job job) {
    if (job.state == JobState.ACKNOWLEDGED) {
      for (JobFile file : job.files) {
        if (!file.state.isCompleted() && file.state.isTransferred() && !job.writesInPlace()) {
          try {
            placement.moveIntoPlace(job, file);
          } catch (IOException e) {
            log.atWarn()
                .addKeyValue("job", job.id)
                .addKeyValue("file", file.index)
                .setCause(e)
                .log("could not finish renaming {} of the acknowledged job", file.localPath);
          }
        }
      }
    }
    placement.deleteWrittenFiles(job, job.state == JobState.ACKNOWLEDGED);
    store.deleteJob(job.id);
  }
}
