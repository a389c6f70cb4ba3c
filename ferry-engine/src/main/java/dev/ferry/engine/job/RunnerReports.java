package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.api.NotifyFlag;
import dev.ferry.spi.TransferFailure;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runners report, turned into the job's state: connected, progress, checkpoints, files and
 * jobs transferred, failures with their retry or error, the runner's end. A report from a runner
 * the engine has already replaced or stopped changes nothing.
 */
final class RunnerReports {
  private static final Logger log = LoggerFactory.getLogger(RunnerReports.class);
  private static final long MAX_RETRY_AFTER_SECONDS = 3600;
  private static final long PROGRESS_EVENT_INTERVAL_NANOS = 250_000_000L;

  private final JobEngine engine;

  RunnerReports(JobEngine engine) {
    this.engine = engine;
  }

  void onConnected(JobRunner runner, Job job) {
    engine.lock.lock();
    try {
      if (job.runner == runner && job.state == JobState.CONNECTING) {
        job.state = JobState.TRANSFERRING;
        job.failure = null;
        engine.records.touch(job);
        engine.records.persistRelaxed(job);
        engine.notifications.modified(job);
      }
    } finally {
      engine.lock.unlock();
    }
  }

  void onProgress(JobRunner runner, Job job, long bytes) throws TransferFailure {
    engine.lock.lock();
    try {
      if (job.runner != runner) {
        return;
      }
      job.transientSinceMs = 0;
      job.failuresInARow = 0;
      job.modifiedMs = engine.clock.millis();
      long now = engine.clock.nanoTime();
      if (now - job.lastProgressEventNanos >= PROGRESS_EVENT_INTERVAL_NANOS) {
        job.lastProgressEventNanos = now;
        engine.records.publish(job, JobEvent.Kind.PROGRESS, -1);
      }
      if (job.maxDownloadSize > 0) {
        long total = job.progress.bytesTransferred();
        if (total > job.maxDownloadSize) {
          throw TransferFailure.fatal(
              HResult.BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED,
              ErrorContext.REMOTE_FILE,
              null,
              "the job downloaded more than its MAX_DOWNLOAD_SIZE of "
                  + job.maxDownloadSize
                  + " bytes");
        }
      }
      engine.notifications.modified(job);
    } finally {
      engine.lock.unlock();
    }
  }

  void onCheckpoint(JobRunner runner, Job job, JobFile file) {
    engine.lock.lock();
    try {
      if (job.state.isFinal() || !engine.jobs.containsKey(job.id)) {
        return;
      }
      engine.store.checkpoint(job.toRow(), List.of(file.toRow(job.id)));
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("job", job.id).setCause(e).log("could not checkpoint the job");
    } finally {
      engine.lock.unlock();
    }
  }

  void onFileTransferred(JobRunner runner, Job job, JobFile file) {
    engine.lock.lock();
    try {
      if (job.runner != runner) {
        return;
      }
      // The transfer's last checkpoint recorded the file; the job's own state follows.
      engine.records.publish(job, JobEvent.Kind.FILE_TRANSFERRED, file.index);
      if (engine.notifications.wants(job, NotifyFlag.FILE_TRANSFERRED)) {
        BackgroundCopyCallback callback = job.callback;
        JobHandle handle = new JobHandle(engine, job, job.owner);
        FileHandle fileHandle = new FileHandle(engine, job, file, job.owner);
        job.notifier.deliverOnce(() -> callback.fileTransferred(handle, fileHandle));
      }
    } finally {
      engine.lock.unlock();
    }
  }

  void onJobTransferred(JobRunner runner, Job job) {
    engine.lock.lock();
    try {
      if (job.runner != runner) {
        return;
      }
      job.runner = null;
      engine.exiting.put(job, runner);
      job.state = JobState.TRANSFERRED;
      job.failure = null;
      job.transferredMs = engine.clock.millis();
      engine.records.touch(job);
      engine.records.persistRelaxed(job);
      engine.notifications.notifyTransferred(job);
      engine.wake.signalAll();
    } finally {
      engine.lock.unlock();
    }
  }

  void onFailure(JobRunner runner, Job job, JobFile file, TransferFailure failure) {
    engine.lock.lock();
    try {
      if (job.runner != runner || runner.isStopped()) {
        return;
      }
      job.runner = null;
      engine.exiting.put(job, runner);
      job.errorCount++;
      job.failure =
          new JobFailure(
              failure.context(),
              failure.hresult(),
              file == null ? -1 : file.index,
              failure.protocol(),
              failure.getMessage());
      long now = engine.clock.millis();
      boolean retry =
          failure.isTransient()
              && job.noProgressTimeoutSeconds > 0
              && job.minRetryDelaySeconds <= job.noProgressTimeoutSeconds;
      if (retry) {
        if (job.transientSinceMs == 0) {
          job.transientSinceMs = now;
        }
        retry = now - job.transientSinceMs < job.noProgressTimeoutSeconds * 1000;
      }
      // ferryd logs each failure from the job's events (with the job's state); this line is for
      // whoever looks closer, and for an embedded engine, which has no such listener.
      log.atDebug()
          .addKeyValue("job", job.id)
          .addKeyValue("file", job.failure.fileIndex())
          .addKeyValue("retry", retry)
          .log("transfer failed: {}", failure);
      if (retry) {
        long delay = job.kind.retryDelaySeconds(job.minRetryDelaySeconds, ++job.failuresInARow);
        if (failure.retryAfter() != null) {
          delay =
              Math.max(delay, Math.min(MAX_RETRY_AFTER_SECONDS, failure.retryAfter().toSeconds()));
        }
        job.state = JobState.TRANSIENT_ERROR;
        job.retryAtMs = now + delay * 1000;
        engine.records.touch(job);
        engine.records.persist(job);
        engine.notifications.modified(job);
      } else {
        // A transient failure that ends the retries is the no-progress timeout running out.
        enterError(job, failure.isTransient());
      }
      engine.wake.signalAll();
    } finally {
      engine.lock.unlock();
    }
  }

  void onRunnerExit(JobRunner runner, Job job) {
    engine.lock.lock();
    try {
      if (engine.exiting.get(job) == runner) {
        engine.exiting.remove(job);
      }
      if (job.runner == runner) {
        // Stopped without a report (e.g. shutdown): leave the job queued for the next run.
        job.runner = null;
        engine.exiting.remove(job);
      }
      engine.wake.signalAll();
    } finally {
      engine.lock.unlock();
    }
  }

  /**
   * @param noProgress the no-progress timeout ran out (DO reports DO_E_DOWNLOAD_NO_PROGRESS then,
   *     not the last cause)
   */
  void enterError(Job job, boolean noProgress) {
    job.kind.enteredError(noProgress);
    job.state = JobState.ERROR;
    engine.records.touch(job);
    engine.records.persist(job);
    engine.notifications.notifyError(job);
  }
}
