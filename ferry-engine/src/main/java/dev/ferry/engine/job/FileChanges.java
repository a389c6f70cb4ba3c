package dev.ferry.engine.job;

import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import java.nio.file.Path;
import java.util.List;

/**
 * Changes to a file after it was added: more ranges in place (a DO download started again for
 * another part), another destination before it starts, another URL, its extension's state saved.
 */
final class FileChanges {
  private final JobEngine engine;

  FileChanges(JobEngine engine) {
    this.engine = engine;
  }

  /**
   * Adds ranges to an in-place file (a DO download started again for another part): the runner
   * stops first, so no transfer sees the piece map change under it, and the job queues again.
   */
  void extendRanges(JobOwner caller, Job job, JobFile file, List<FileRange> more) {
    Validation.ranges(more, engine.config.maxRangesPerFile(), caller.isAdministrator());
    JobRunner stopped;
    engine.lock.lock();
    try {
      engine.checkMutable(caller, job);
      stopped = engine.transfers.stopRunner(job);
      engine.busy.add(job);
    } finally {
      engine.lock.unlock();
    }
    engine.transfers.awaitExit(job, stopped);
    engine.lock.lock();
    try {
      file.state.addRanges(more);
      if (job.state.isAction() || job.state == JobState.TRANSFERRED) {
        job.state = JobState.QUEUED;
      }
      engine.records.touch(job);
      engine.store.update(job.toRow(), List.of(file.toRow(job.id)));
      engine.records.publish(job, JobEvent.Kind.CHANGED, -1);
      engine.notifications.modified(job);
    } finally {
      engine.busy.remove(job);
      engine.wake.signalAll();
      engine.lock.unlock();
    }
  }

  /**
   * Points a file that has not started at a new place: DO's DownloadSinkFilePath, or a sink file in
   * the data directory when the bytes go to a caller's sink.
   */
  void relocate(JobOwner caller, Job job, JobFile file, Path local, FileExtension extension) {
    engine.lock.lock();
    try {
      engine.checkMutable(caller, job);
      if (file.state.bytesTransferred() > 0 || file.state.isTransferred()) {
        throw new FerryException(
            HResult.DO_E_INVALID_STATE, "file " + file.index + " has started; its sink is fixed");
      }
      for (JobFile other : job.files) {
        if (other != file && other.localPath.equals(local)) {
          throw new FerryException(HResult.E_INVALIDARG, "the job already writes " + local);
        }
      }
      file.localPath = local;
      file.tempPath = JobFile.tempPathFor(local, job.id, file.index);
      file.extension = extension;
      engine.records.touch(job);
      engine.store.update(job.toRow(), List.of(file.toRow(job.id)));
      engine.notifications.modified(job);
    } finally {
      engine.lock.unlock();
    }
  }

  /** Persists changes made to a job's DO record or file settings under the engine.lock. */
  void saveDelivery(Job job, JobFile file) {
    engine.lock.lock();
    try {
      if (!engine.jobs.containsKey(job.id)) {
        return;
      }
      engine.records.touch(job);
      if (file == null) {
        engine.records.persist(job);
      } else {
        engine.store.update(job.toRow(), List.of(file.toRow(job.id)));
      }
      engine.notifications.modified(job);
      engine.wake.signalAll(); // a priority may have changed
    } finally {
      engine.lock.unlock();
    }
  }

  void setRemoteName(JobOwner caller, Job job, JobFile file, String url) {
    Validation.remoteUrl(url, engine.config, engine::claimsUrl);
    engine.lock.lock();
    try {
      engine.checkMutable(caller, job);
      file.remoteUrl = url;
      if (job.isRunning()) {
        engine.transfers.stopRunner(job);
        job.state = JobState.QUEUED;
      }
      engine.records.touch(job);
      engine.store.update(job.toRow(), List.of(file.toRow(job.id)));
      engine.records.publish(job, JobEvent.Kind.CHANGED, -1);
      engine.notifications.modified(job);
      engine.wake.signalAll();
    } finally {
      engine.lock.unlock();
    }
  }
}
