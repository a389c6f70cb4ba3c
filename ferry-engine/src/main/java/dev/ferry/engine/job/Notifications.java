package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.JobState;
import dev.ferry.api.NotifyFlag;
import dev.ferry.engine.notify.CommandLineNotifier;
import dev.ferry.engine.notify.Notifier;
import dev.ferry.spi.Clock;
import java.util.UUID;

/**
 * The job's callbacks and notification command line: which event goes where (BITS's order: a live
 * callback, else the command line), modification notifications, and the retried transferred and
 * error notifications, each delivered on the job's own {@link Notifier}.
 */
final class Notifications {
  private final JobEngine engine;
  private final Clock clock;
  private final CommandLineNotifier commandLines =
      new CommandLineNotifier(dev.ferry.engine.Ferry.currentUser().uid());

  Notifications(JobEngine engine, Clock clock) {
    this.engine = engine;
    this.clock = clock;
  }

  Notifier newNotifier(UUID id) {
    return new Notifier(id.toString(), clock);
  }

  boolean wants(Job job, NotifyFlag flag) {
    return job.callback != null
        && (job.notifyFlags & NotifyFlag.DISABLE.bit()) == 0
        && (job.notifyFlags & flag.bit()) != 0;
  }

  /** A modification notification (never for entering ERROR or TRANSFERRED). */
  void modified(Job job) {
    job.kind.changed();
    if (wants(job, NotifyFlag.JOB_MODIFICATION)) {
      BackgroundCopyCallback callback = job.callback;
      JobHandle handle = new JobHandle(engine, job, job.owner);
      job.notifier.modification(
          () -> callback.jobModification(handle), job.minNotificationIntervalMs & 0xFFFFFFFFL);
    }
  }

  void notifyTransferred(Job job) {
    if (wants(job, NotifyFlag.JOB_TRANSFERRED)) {
      BackgroundCopyCallback callback = job.callback;
      JobHandle handle = new JobHandle(engine, job, job.owner);
      job.notifier.mustDeliver(
          () -> callback.jobTransferred(handle),
          () ->
              engine.locked(() ->
                  job.state == JobState.TRANSFERRED
                      && job.callback == callback
                      && wants(job, NotifyFlag.JOB_TRANSFERRED)));
    } else {
      runCommandLine(job, NotifyFlag.JOB_TRANSFERRED);
    }
  }

  void notifyError(Job job) {
    if (wants(job, NotifyFlag.JOB_ERROR) && job.failure != null) {
      BackgroundCopyCallback callback = job.callback;
      JobHandle handle = new JobHandle(engine, job, job.owner);
      ErrorView error = new ErrorView(engine, job, job.failure, job.owner);
      job.notifier.mustDeliver(
          () -> callback.jobError(handle, error),
          () ->
              engine.locked(() ->
                  job.state == JobState.ERROR
                      && job.callback == callback
                      && wants(job, NotifyFlag.JOB_ERROR)));
    } else {
      runCommandLine(job, NotifyFlag.JOB_ERROR);
    }
  }

  /** The command line takes the notifications no live callback takes (BITS's fallback order). */
  void runCommandLine(Job job, NotifyFlag flag) {
    boolean enabled =
        (job.notifyFlags & NotifyFlag.DISABLE.bit()) == 0 && (job.notifyFlags & flag.bit()) != 0;
    if (enabled && job.notifyCmdLine != null && job.callback == null) {
      commandLines.run(
          job.notifyCmdLine, job.id, job.state.name(), job.owner.uid(), job.owner.name());
    }
  }
}
