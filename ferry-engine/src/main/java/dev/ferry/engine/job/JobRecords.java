package dev.ferry.engine.job;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a change of a job is recorded and announced: its modification time, the store's write (and
 * whether it waits for the disk), and the event to the engine's listeners and the job's kind. Every
 * method runs under the engine's lock.
 */
final class JobRecords {
  private static final Logger log = LoggerFactory.getLogger(JobRecords.class);

  private final JobEngine engine;
  private final List<JobListener> listeners = new CopyOnWriteArrayList<>();

  JobRecords(JobEngine engine) {
    this.engine = engine;
  }

  void touch(Job job) {
    job.modifiedMs = engine.clock.millis();
  }

  void persist(Job job) {
    write(job, () -> engine.store.updateJob(job.toRow()));
    publish(job, JobEvent.Kind.CHANGED, -1);
  }

  /**
   * Runs a job's writes, which wait for the disk once the job has been resumed. Before that the job
   * is suspended and holds no data, and its first Resume waits for the disk and takes every earlier
   * change along: setting up many jobs costs a flush each, not one a call. A power cut before that
   * Resume may lose the setup; a crash of the process never does.
   */
  void write(Job job, Runnable writes) {
    if (job.resumedOnce) {
      writes.run();
    } else {
      engine.store.withoutWaiting(writes);
    }
  }

  /**
   * Persists a state the engine reached by itself and would reach again after a power cut lost the
   * record: a restart makes CONNECTING and TRANSFERRING into QUEUED, and a QUEUED job whose files
   * are all transferred becomes TRANSFERRED again. So the commit does not wait for the disk.
   */
  void persistRelaxed(Job job) {
    engine.store.withoutWaiting(() -> engine.store.updateJob(job.toRow()));
    publish(job, JobEvent.Kind.CHANGED, -1);
  }

  void publish(Job job, JobEvent.Kind kind, int fileIndex) {
    job.kind.changed();
    if (listeners.isEmpty()) {
      return;
    }
    JobEvent event =
        new JobEvent(
            kind,
            job.id,
            job.owner.uid(),
            job.state,
            job.progress.bytesTotal(),
            job.progress.bytesTransferred(),
            fileIndex,
            job.priority,
            job.failure == null ? 0 : job.failure.code(),
            job.failure == null ? -1 : job.failure.fileIndex(),
            job.failure == null ? null : job.failure.message());
    for (JobListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("a job listener failed", e);
      }
    }
  }

  void addListener(JobListener listener) {
    listeners.add(listener);
  }

  void removeListener(JobListener listener) {
    listeners.remove(listener);
  }
}
