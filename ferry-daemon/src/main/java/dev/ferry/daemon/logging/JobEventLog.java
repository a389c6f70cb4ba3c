package dev.ferry.daemon.logging;

import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.engine.Engine;
import dev.ferry.engine.job.JobEvent;
import dev.ferry.engine.job.JobListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Every job's life as log lines, from the engine's job events: one line when a job is created,
 * changes state, fails (transiently or not), completes or is cancelled, and when one of its files
 * is transferred; each with the job's id, its owner, and the caller whose request made the change.
 *
 * <p>The engine calls listeners under its lock, where nothing may block; writing a line may (a full
 * pipe, a journald that lags). So {@link #onEvent} only queues the event and a thread of its own
 * writes the lines. Should that thread fall behind by {@value #CAPACITY} events, the surplus is
 * counted and the count logged rather than the engine kept waiting.
 */
public final class JobEventLog implements JobListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobEventLog.class);
  private static final int CAPACITY = 10_000;
  private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(5);

  /** Queued with the caller the event's thread was serving, if any. */
  private record Entry(JobEvent event, String caller) {}

  private static final Entry END = new Entry(null, null);

  private final Engine engine;
  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();

  /** The last state logged of each job; the writer's thread alone touches it. */
  private final Map<UUID, JobState> states = new HashMap<>();

  private final Thread writer;

  private JobEventLog(Engine engine) {
    this.engine = engine;
    this.writer = Thread.ofPlatform().daemon().name("ferryd-job-log").unstarted(this::write);
  }

  /** Starts logging the jobs of {@code engine}. */
  public static JobEventLog follow(Engine engine) {
    JobEventLog jobLog = new JobEventLog(engine);
    jobLog.writer.start();
    engine.addListener(jobLog);
    return jobLog;
  }

  @Override
  public void onEvent(JobEvent event) {
    // Progress is for the event stream and metrics: a line every few hundred milliseconds of every
    // transfer would drown the rest.
    if (event.kind() == JobEvent.Kind.PROGRESS) {
      return;
    }
    if (!queue.offer(new Entry(event, MDC.get(LogKeys.CALLER)))) {
      dropped.incrementAndGet();
    }
  }

  private void write() {
    try {
      for (Entry entry = queue.take(); entry != END; entry = queue.take()) {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
          log.warn("{} job events were not logged: the log could not keep up", lost);
        }
        try {
          line(entry.event(), entry.caller());
        } catch (RuntimeException e) {
          log.warn("a job event could not be logged", e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void line(JobEvent event, String caller) {
    switch (event.kind()) {
      case CREATED -> {
        states.put(event.jobId(), event.state());
        about(log.atInfo(), event, caller).log("job created");
      }
      case FILE_TRANSFERRED ->
          about(log.atInfo(), event, caller)
              .addKeyValue(LogKeys.FILE, event.fileIndex())
              .log("file transferred");
      case CHANGED -> changed(event, caller);
      case PROGRESS -> {
        // Not queued.
      }
    }
  }

  private void changed(JobEvent event, String caller) {
    JobState state = event.state();
    JobState previous =
        state.isFinal() ? states.remove(event.jobId()) : states.put(event.jobId(), state);
    if (state == previous) {
      // A property, a file added, a retry time: worth a line only when looking closely.
      about(log.atDebug(), event, caller).log("job changed");
      return;
    }
    LoggingEventBuilder line =
        switch (state) {
          case TRANSIENT_ERROR -> log.atWarn();
          case ERROR -> log.atError();
          // Every file of a job passes through it on the way to TRANSFERRING.
          case CONNECTING -> log.atDebug();
          default -> log.atInfo();
        };
    about(line, event, caller);
    if (previous != null) {
      line.addKeyValue(LogKeys.FROM, previous);
    }
    if (state == JobState.TRANSIENT_ERROR || state == JobState.ERROR) {
      failure(line, event);
    }
    line.log(
        switch (state) {
          case TRANSIENT_ERROR -> "job failed, will retry";
          case ERROR -> "job failed";
          case ACKNOWLEDGED -> "job completed";
          case CANCELLED -> "job cancelled";
          default -> "job state changed";
        });
  }

  private static LoggingEventBuilder about(
      LoggingEventBuilder line, JobEvent event, String caller) {
    line.addKeyValue(LogKeys.JOB, event.jobId())
        .addKeyValue(LogKeys.STATE, event.state())
        .addKeyValue(LogKeys.OWNER, event.ownerUid());
    if (caller != null) {
      line.addKeyValue(LogKeys.CALLER, caller);
    }
    return line;
  }

  private static void failure(LoggingEventBuilder line, JobEvent event) {
    if (event.errorFileIndex() >= 0) {
      line.addKeyValue(LogKeys.FILE, event.errorFileIndex());
    }
    line.addKeyValue(LogKeys.HRESULT, HResult.hex(event.errorCode()))
        .addKeyValue(LogKeys.HRESULT_NAME, HResult.nameOf(event.errorCode()))
        .addKeyValue(LogKeys.REASON, event.errorMessage());
  }

  /** Stops following the engine and writes what is queued; call it after the engine closed. */
  @Override
  public void close() {
    engine.removeListener(this);
    try {
      if (queue.offer(END, CLOSE_PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        writer.join(CLOSE_PATIENCE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
