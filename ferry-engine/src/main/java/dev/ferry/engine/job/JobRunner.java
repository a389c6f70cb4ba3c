package dev.ferry.engine.job;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.engine.transfer.FileTransfer;
import dev.ferry.engine.transfer.StopSignal;
import dev.ferry.engine.transfer.TransferListener;
import dev.ferry.engine.transfer.TransferredPieces;
import dev.ferry.spi.TransferFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transfers one job's files on virtual threads, and reports the outcome to the engine: in order,
 * one at a time, for background jobs as in BITS; several at once for a FOREGROUND job of many files
 * ({@link dev.ferry.engine.EngineConfig#filesInParallel}). The engine discards reports from a
 * runner it has already replaced or stopped.
 */
final class JobRunner implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  /** What the runner needs from one file, captured under the engine lock when it starts it. */
  record Plan(JobFile file, FileTransfer.Settings settings) {}

  private static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(2);

  private final JobEngine engine;
  private final Job job;

  /** The engine's stop (suspend, cancel, preemption, shutdown). */
  private final StopSignal stop = new StopSignal();

  /** What the transfers watch: the engine's stop, or a file's failure stopping the others. */
  private final StopSignal transfers = new StopSignal();

  private final AtomicReference<Failed> failure = new AtomicReference<>();

  /** The files a worker of this runner has taken; the engine's next-file search skips them. */
  final Set<JobFile> inFlight = ConcurrentHashMap.newKeySet();

  /** Where the engine looks for this runner's next file; guarded by the engine lock. */
  int nextFileHint;

  private Thread thread;

  JobRunner(JobEngine engine, Job job) {
    this.engine = engine;
    this.job = job;
  }

  void start() {
    thread = Thread.ofVirtual().name("ferry-job-" + job.id).start(this);
  }

  /**
   * Asks the transfer to stop; returns at once. Aborting the response unblocks a read; a runner
   * still busy after a grace period (connecting to a silent host, say) is interrupted, which closes
   * its socket. The grace period lets a stopping transfer write its last checkpoint.
   */
  void stop() {
    stop.stop();
    transfers.stop();
    Thread t = thread;
    if (t != null) {
      Thread.ofVirtual()
          .name("ferry-stop-" + job.id)
          .start(() -> {
            try {
              if (!t.join(STOP_GRACE)) {
                t.interrupt();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
  }

  /** Waits until the runner's thread has ended, so nothing writes to the job's files any more. */
  void join() {
    Thread t = thread;
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  boolean isStopped() {
    return stop.isStopped();
  }

  @Override
  public void run() {
    try {
      List<Thread> others = new ArrayList<>();
      int workers = engine.filesInParallel(job);
      for (int i = 1; i < workers; i++) {
        others.add(Thread.ofVirtual().name("ferry-job-" + job.id + "-" + i).start(this::work));
      }
      work();
      joinAll(others);
      Failed failed = failure.get();
      if (failed != null) {
        engine.reports.onFailure(this, job, failed.file(), failed.failure());
      } else if (!stop.isStopped()) {
        engine.reports.onJobTransferred(this, job);
      }
    } finally {
      engine.reports.onRunnerExit(this, job);
    }
  }

  /** Takes the job's next file not yet taken and transfers it, until none is left or one fails. */
  private void work() {
    JobFile current = null;
    try {
      while (!transfers.isStopped()) {
        Plan plan = engine.nextFile(this, job);
        if (plan == null) {
          break;
        }
        current = plan.file();
        try {
          transfer(plan);
        } finally {
          inFlight.remove(plan.file());
        }
      }
    } catch (TransferFailure failure) {
      fail(current, failure);
    } catch (RuntimeException | Error e) {
      log.atError().addKeyValue("job", job.id).setCause(e).log("a transfer failed unexpectedly");
      fail(
          current,
          new TransferFailure(
              HResult.E_UNEXPECTED.value(),
              ErrorContext.GENERAL_QUEUE_MANAGER,
              true,
              null,
              null,
              String.valueOf(e),
              e));
    }
  }

  /** The first failure is the job's; the files still transferring stop (and checkpoint). */
  private void fail(JobFile file, TransferFailure failure) {
    if (this.failure.compareAndSet(null, new Failed(file, failure))) {
      transfers.stop();
    }
  }

  private void transfer(Plan plan) throws TransferFailure {
    JobFile file = plan.file();
    TransferListener listener =
        new TransferListener() {
          @Override
          public void connected() {
            engine.reports.onConnected(JobRunner.this, job);
          }

          @Override
          public void progressed(long bytes) throws TransferFailure {
            engine.reports.onProgress(JobRunner.this, job, bytes);
          }

          @Override
          public void checkpoint() {
            engine.reports.onCheckpoint(JobRunner.this, job, file);
          }
        };
    dev.ferry.spi.FileRef ref =
        new dev.ferry.spi.FileRef(
            job.id,
            file.index,
            plan.settings().uri(),
            job.priority == JobPriority.FOREGROUND,
            JobHandle.JobProperties.forSources(job));
    FilePreparation.prepare(engine, job, file, plan.settings(), ref);
    try (TransferredPieces local = TransferredPieces.of(file.state, plan.settings())) {
      new FileTransfer(
              dev.ferry.engine.transfer.SourcePlanner.of(
                  ref,
                  engine.sourceFor(ref.uri()),
                  engine.providers,
                  local,
                  engine.clock(),
                  // A body of unknown size is read whole from the start: only the origin has it.
                  plan.settings().dynamicContent()
                      ? dev.ferry.engine.transfer.OriginHoldback.Rule.NONE
                      : engine.config.originHoldback().forFile(ref)),
              file.state,
              plan.settings(),
              listener,
              transfers,
              engine.clock(),
              engine.config.transferEvents())
          .run();
      if (!transfers.isStopped() && file.state.isTransferred() && keepsWholeContent(plan)) {
        for (dev.ferry.spi.SourceProvider provider : engine.providers) {
          try {
            provider.fileTransferred(ref, file.tempPath, job.owner.uid());
          } catch (RuntimeException e) {
            log.warn("source provider {} failed with a transferred file", provider, e);
          }
        }
      }
    } finally {
      for (dev.ferry.spi.SourceProvider provider : engine.providers) {
        try {
          provider.transferEnded(ref);
        } catch (RuntimeException e) {
          log.warn("source provider {} failed at the end of a transfer", provider, e);
        }
      }
    }
    if (!transfers.isStopped() && file.state.isTransferred()) {
      if (job.kind.runnerFeedsSinks() && file.extension != FileExtension.NONE) {
        file.extension.transferred(file.tempPath, file.state.pieces().layout().wanted());
      }
      engine.reports.onFileTransferred(this, job, file);
    }
  }

  /**
   * Whether the plan's file holds the remote file's bytes as they are: no ranges, no transform, a
   * regular file (a DO download that streams its bytes to the caller has none).
   */
  private static boolean keepsWholeContent(Plan plan) {
    return plan.settings().transform() == null
        && plan.file().state.ranges().isEmpty()
        && java.nio.file.Files.isRegularFile(
            plan.file().tempPath, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** Waits for the other workers; an interrupt (a stop past its grace period) reaches them too. */
  private void joinAll(List<Thread> others) {
    boolean interrupted = false;
    for (Thread other : others) {
      while (true) {
        try {
          other.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          others.forEach(Thread::interrupt);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A file's failure and the file (null before the first file). */
  private record Failed(JobFile file, TransferFailure failure) {}
}
