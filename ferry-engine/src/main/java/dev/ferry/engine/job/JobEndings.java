package dev.ferry.engine.job;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import java.io.IOException;

/**
 * Cancel and Complete: the job's transfer stops, then its files are deleted, or renamed into place
 * and their temporary files removed, and the job leaves the engine. The store records the end
 * first, so a crash in the middle is finished at the next start ({@link Recovery}).
 */
final class JobEndings {
  private final JobEngine engine;

  JobEndings(JobEngine engine) {
    this.engine = engine;
  }

  HResult cancel(JobOwner caller, Job job) {
    JobRunner stopped;
    engine.lock.lock();
    try {
      engine.checkMutable(caller, job);
      stopped = engine.transfers.stopRunner(job);
      job.state = JobState.CANCELLED;
      engine.records.touch(job);
      engine.records.persist(job);
      engine.jobs.remove(job.id);
      engine.wake.signalAll();
    } finally {
      engine.lock.unlock();
    }
    engine.transfers.awaitExit(job, stopped);
    boolean deletedAll = engine.placement.deleteWrittenFiles(job, false);
    engine.store.deleteJob(job.id);
    job.notifier.close();
    return deletedAll ? HResult.S_OK : HResult.BG_S_UNABLE_TO_DELETE_FILES;
  }

  HResult complete(JobOwner caller, Job job) {
    JobRunner stopped;
    JobState before;
    engine.lock.lock();
    try {
      engine.checkMutable(caller, job);
      before = job.state;
      stopped = engine.transfers.stopRunner(job);
      if (before.isAction()) {
        job.state = JobState.SUSPENDED;
      }
      engine.busy.add(job);
    } finally {
      engine.lock.unlock();
    }
    engine.transfers.awaitExit(job, stopped);
    try {
      boolean partial = false;
      for (JobFile file : job.files) {
        if (file.state.isCompleted()) {
          continue;
        }
        if (!file.state.isTransferred()) {
          partial = true;
          continue;
        }
        if (!job.writesInPlace()) {
          try {
            engine.placement.moveIntoPlace(job, file);
          } catch (IOException e) {
            int code =
                e instanceof java.nio.file.AccessDeniedException
                    ? HResult.E_ACCESSDENIED.value()
                    : HResult.ERROR_WRITE_FAULT.value();
            engine.lock.lock();
            try {
              job.state = before == JobState.TRANSFERRED ? JobState.TRANSFERRED : job.state;
              engine.records.touch(job);
              // Files renamed before this one are in place: record them with the state.
              engine.store.update(
                  job.toRow(), job.files.stream().map(f -> f.toRow(job.id)).toList());
              engine.records.publish(job, JobEvent.Kind.CHANGED, -1);
            } finally {
              engine.lock.unlock();
            }
            throw new FerryException(
                code,
                "could not move " + file.tempPath + " to " + file.localPath + ": " + e.getMessage(),
                e);
          }
        }
        file.state.markCompleted();
      }
      engine.lock.lock();
      try {
        job.state = JobState.ACKNOWLEDGED;
        engine.records.touch(job);
        // One commit for the state and every renamed file: a crash before it is repaired at the
        // next start (a renamed file is found in place), so a thousand engine.files cost one disk
        // flush.
        engine.store.update(job.toRow(), job.files.stream().map(f -> f.toRow(job.id)).toList());
        engine.records.publish(job, JobEvent.Kind.CHANGED, -1);
        engine.jobs.remove(job.id);
      } finally {
        engine.lock.unlock();
      }
      boolean deletedAll = engine.placement.deleteWrittenFiles(job, true);
      engine.store.deleteJob(job.id);
      job.notifier.close();
      if (!deletedAll) {
        return HResult.BG_S_UNABLE_TO_DELETE_FILES;
      }
      return partial ? HResult.BG_S_PARTIAL_COMPLETE : HResult.S_OK;
    } finally {
      engine.lock.lock();
      try {
        engine.busy.remove(job);
        engine.wake.signalAll();
      } finally {
        engine.lock.unlock();
      }
    }
  }
}
