package dev.ferry.client;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.NotifyFlag;
import dev.ferry.rest.JobView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one registered callback with BITS's rules, on a virtual thread of its own:
 *
 * <ul>
 *   <li>jobTransferred / jobError when the job <em>enters</em> TRANSFERRED / ERROR, recognised by
 *       the transfer completion time and the error count, so an entry is delivered once per entry;
 *   <li>those two are called again, with growing pauses, until the callback returns normally, as
 *       long as the job is still in that state (at least once);
 *   <li>jobModification for changes and progress, coalesced and at most once per the job's
 *       MINIMUM_NOTIFICATION_INTERVAL_MS, never for the entry into TRANSFERRED or ERROR;
 *   <li>fileTransferred once per file-transferred event, before the jobTransferred that follows;
 *   <li>the job's notify flags, read from the job each time, decide; DISABLE silences everything.
 * </ul>
 *
 * <p>Entries normally come from the event stream, in order. A <em>catch-up</em> (at registration,
 * and after the stream reconnects) reads the job instead, and delivers only an entry that happened
 * before a moment at which the stream was already open: a later one is on its way in the stream,
 * behind the file events that precede it.
 */
final class JobNotifier {
  private static final Logger log = LoggerFactory.getLogger(JobNotifier.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration LAST_RETRY = Duration.ofSeconds(30);
  private static final long DEFAULT_INTERVAL_MS = 500;

  private final RemoteJob job;
  private final BackgroundCopyCallback callback;

  /**
   * Whether the callback has a jobModification of its own. BackgroundCopyCallback's is a no-op, and
   * judging whether to call it means reading the job (its notify flags) at every change and every
   * progress event, four a second while the job transfers: a request to ferryd each, which cost the
   * client and ferryd CPU for nothing (bench/README.md, the fleet through ferryd).
   */
  private final boolean hearsModifications;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();

  // Requests from other threads, under the lock.
  private Instant catchUpBefore;
  private boolean entryAnnounced;
  private boolean changeRequested;
  private boolean modificationRequested;
  private final Deque<Integer> filesTransferred = new ArrayDeque<>();
  private boolean closed;

  // The worker's own state (read under the lock where it decides how long to wait).
  private String deliveredTransfer;
  private Integer deliveredError;
  private long retryAtNanos;
  private Duration retryPause = FIRST_RETRY;
  private boolean modificationPending;
  private long modificationDueNanos;
  private long lastModificationNanos;

  JobNotifier(RemoteJob job, BackgroundCopyCallback callback) {
    this.job = job;
    this.callback = callback;
    this.hearsModifications = overridesJobModification(callback);
    Thread.ofVirtual().name("ferry-client-callback-" + job.id()).start(this::run);
  }

  BackgroundCopyCallback callback() {
    return callback;
  }

  /** Whether {@code callback}'s class declares a jobModification other than the interface's. */
  private static boolean overridesJobModification(BackgroundCopyCallback callback) {
    try {
      return callback
              .getClass()
              .getMethod("jobModification", BackgroundCopyJob.class)
              .getDeclaringClass()
          != BackgroundCopyCallback.class;
    } catch (NoSuchMethodException | SecurityException e) {
      return true;
    }
  }

  /**
   * Just registered: a transferred/error entry from before {@code streamOpenSince} is delivered at
   * once, and a modification is reported (as the engine does on SetNotifyInterface).
   */
  void registered(Instant streamOpenSince) {
    request(() -> {
      catchUp(streamOpenSince);
      modificationRequested = hearsModifications;
    });
  }

  /** The stream (re)opened at {@code since}: deliver an entry that happened before it. */
  void catchUpBefore(Instant since) {
    request(() -> catchUp(since));
  }

  private void catchUp(Instant since) {
    if (catchUpBefore == null || since.isAfter(catchUpBefore)) {
      catchUpBefore = since;
    }
  }

  /**
   * A change event. One reporting TRANSFERRED or ERROR announces that entry; any other change is a
   * modification.
   */
  void changed(JobState reported) {
    boolean entry = reported == JobState.TRANSFERRED || reported == JobState.ERROR;
    if (!entry && !hearsModifications) {
      return;
    }
    request(() -> {
      changeRequested = hearsModifications;
      if (entry) {
        entryAnnounced = true;
      }
    });
  }

  void modified() {
    if (hearsModifications) {
      request(() -> modificationRequested = true);
    }
  }

  void fileTransferred(int index) {
    request(() -> filesTransferred.add(index));
  }

  void close() {
    request(() -> closed = true);
  }

  private void request(Runnable change) {
    lock.lock();
    try {
      change.run();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * What one pass of the worker does.
   *
   * @param catchUpBefore deliver an entry older than this (null: none)
   * @param entryAnnounced the stream announced an entry, or a failed delivery is due again
   */
  private record Work(
      List<Integer> files,
      Instant catchUpBefore,
      boolean entryAnnounced,
      boolean change,
      boolean modification) {

    boolean needsJob() {
      return !files.isEmpty() || catchUpBefore != null || entryAnnounced || change || modification;
    }
  }

  private void run() {
    for (Work work; (work = next()) != null; ) {
      try {
        process(work);
      } catch (RuntimeException e) {
        log.warn("callback delivery for job {} failed", job.id(), e);
      }
    }
  }

  /** Waits for something to do; null once closed. */
  private Work next() {
    lock.lock();
    try {
      while (!closed) {
        long now = System.nanoTime();
        boolean retryDue = retryAtNanos != 0 && now - retryAtNanos >= 0;
        boolean modificationDue = modificationPending && now - modificationDueNanos >= 0;
        if (catchUpBefore != null
            || entryAnnounced
            || changeRequested
            || modificationRequested
            || !filesTransferred.isEmpty()
            || retryDue
            || modificationDue) {
          Work work =
              new Work(
                  new ArrayList<>(filesTransferred),
                  catchUpBefore,
                  entryAnnounced || retryDue,
                  changeRequested,
                  modificationRequested);
          filesTransferred.clear();
          catchUpBefore = null;
          entryAnnounced = false;
          changeRequested = false;
          modificationRequested = false;
          if (retryDue) {
            retryAtNanos = 0;
          }
          return work;
        }
        long wait = Long.MAX_VALUE;
        if (retryAtNanos != 0) {
          wait = Math.min(wait, retryAtNanos - now);
        }
        if (modificationPending) {
          wait = Math.min(wait, modificationDueNanos - now);
        }
        if (wait == Long.MAX_VALUE) {
          wake.await();
        } else {
          wake.await(wait, TimeUnit.NANOSECONDS);
        }
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lock.unlock();
    }
  }

  private void process(Work work) {
    JobView view = null;
    if (work.needsJob()) {
      view = read();
      if (view == null) {
        return;
      }
    }
    for (int index : work.files()) {
      if (wants(view, NotifyFlag.FILE_TRANSFERRED) && isOpen()) {
        attempt(() -> callback.fileTransferred(job, new RemoteFile(job, index)), "fileTransferred");
      }
    }
    boolean entered = false;
    if (work.entryAnnounced() || work.catchUpBefore() != null) {
      entered = deliverEntry(view, work);
    }
    if ((work.modification() || (work.change() && !entered))
        && wants(view, NotifyFlag.JOB_MODIFICATION)) {
      planModification();
    }
    deliverModificationIfDue();
  }

  /**
   * The job now; null when there is nothing to deliver to (it is final or gone) or the daemon is
   * unreachable, in which case another look is planned (the reconnection also catches up).
   */
  private JobView read() {
    try {
      JobView view = job.summary();
      return JobState.valueOf(view.state()).isFinal() ? null : view;
    } catch (FerryException e) {
      if (!e.is(HResult.BG_E_NOT_FOUND)) {
        scheduleRetry();
      }
      return null;
    }
  }

  /** Delivers jobTransferred or jobError for an entry not delivered yet; true if it was one. */
  private boolean deliverEntry(JobView view, Work work) {
    JobState state = JobState.valueOf(view.state());
    if (state == JobState.TRANSFERRED) {
      String key = Objects.requireNonNullElse(view.times().transferred(), "transferred");
      if (key.equals(deliveredTransfer) || !mayDeliver(work, view.times().transferred())) {
        return false;
      }
      if (!wants(view, NotifyFlag.JOB_TRANSFERRED)
          || attempt(() -> callback.jobTransferred(job), "jobTransferred")) {
        deliveredTransfer = key;
        retryPause = FIRST_RETRY;
      } else {
        scheduleRetry();
      }
      return true;
    }
    if (state == JobState.ERROR) {
      int key = view.errorCount();
      // The entry into ERROR is at or before the last modification time.
      if ((deliveredError != null && deliveredError == key)
          || !mayDeliver(work, view.times().modified())) {
        return false;
      }
      if (!wants(view, NotifyFlag.JOB_ERROR)
          || view.error() == null
          || attempt(
              () -> callback.jobError(job, new RemoteError(job, view.error())), "jobError")) {
        deliveredError = key;
        retryPause = FIRST_RETRY;
      } else {
        scheduleRetry();
      }
      return true;
    }
    return false;
  }

  /** Announced by the stream, or caught up because it happened before the stream opened. */
  private static boolean mayDeliver(Work work, String enteredAt) {
    if (work.entryAnnounced()) {
      return true;
    }
    try {
      return enteredAt == null || Instant.parse(enteredAt).isBefore(work.catchUpBefore());
    } catch (RuntimeException unreadable) {
      return true;
    }
  }

  private void planModification() {
    long now = System.nanoTime();
    long due =
        lastModificationNanos == 0
            ? now
            : lastModificationNanos + TimeUnit.MILLISECONDS.toNanos(intervalMillis());
    lock.lock();
    try {
      if (!modificationPending) {
        modificationPending = true;
        modificationDueNanos = due;
      }
    } finally {
      lock.unlock();
    }
  }

  private void deliverModificationIfDue() {
    lock.lock();
    try {
      if (!modificationPending || System.nanoTime() - modificationDueNanos < 0 || closed) {
        return;
      }
      modificationPending = false;
      lastModificationNanos = System.nanoTime();
    } finally {
      lock.unlock();
    }
    attempt(() -> callback.jobModification(job), "jobModification");
  }

  private long intervalMillis() {
    try {
      JobPropertyValue value = job.getProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS);
      return value instanceof JobPropertyValue.Dword d
          ? Integer.toUnsignedLong(d.value())
          : DEFAULT_INTERVAL_MS;
    } catch (FerryException e) {
      return DEFAULT_INTERVAL_MS;
    }
  }

  private void scheduleRetry() {
    lock.lock();
    try {
      if (retryAtNanos == 0) {
        retryAtNanos = System.nanoTime() + retryPause.toNanos();
        Duration doubled = retryPause.multipliedBy(2);
        retryPause = doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
      }
    } finally {
      lock.unlock();
    }
  }

  private static boolean wants(JobView view, NotifyFlag flag) {
    int flags = view.notifyFlags();
    return (flags & NotifyFlag.DISABLE.bit()) == 0 && (flags & flag.bit()) != 0;
  }

  private boolean isOpen() {
    lock.lock();
    try {
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  private interface Delivery {
    void deliver() throws Exception;
  }

  /** One call of the callback; false when it threw. A replaced registration calls nothing. */
  private boolean attempt(Delivery delivery, String what) {
    if (!isOpen()) {
      return true;
    }
    try {
      delivery.deliver();
      return true;
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable e) {
      // Anything else the callback throws (an AssertionError in a test, say) is a failed delivery,
      // not the end of this job's notifications.
      log.debug(
          "{} callback for job {} failed; it is retried if it must arrive", what, job.id(), e);
      return false;
    }
  }
}
