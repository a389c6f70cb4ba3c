package dev.ferry.engine.notify;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one job's callbacks on a virtual thread of its own, so a slow or failing callback never
 * holds up a transfer. Transferred and error notifications are retried, with growing pauses, until
 * the callback returns normally or the event no longer applies; modification notifications are
 * coalesced and spaced by the job's minimum interval.
 */
public final class Notifier {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration LAST_RETRY = Duration.ofSeconds(30);

  /** One delivery attempt; throwing means "not delivered, try again". */
  public interface Delivery {
    void deliver() throws Exception;
  }

  private record Event(Delivery delivery, BooleanSupplier stillApplies, boolean retried) {}

  private final String name;
  private final Clock clock;
  private long minIntervalNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Event> events = new ArrayDeque<>();
  private Delivery pendingModification;
  private long lastModificationNanos;
  private boolean closed;
  private Thread worker;

  public Notifier(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  /** An event that must arrive: delivered (again) until it returns normally, while it applies. */
  public void mustDeliver(Delivery delivery, BooleanSupplier stillApplies) {
    enqueue(new Event(delivery, stillApplies, true));
  }

  /** An event delivered once; a failure is logged and dropped. */
  public void deliverOnce(Delivery delivery) {
    enqueue(new Event(delivery, () -> true, false));
  }

  /**
   * A modification: only the latest pending one is delivered, at most once per {@code
   * minIntervalMillis} (the job's MINIMUM_NOTIFICATION_INTERVAL_MS, unsigned).
   */
  public void modification(Delivery delivery, long minIntervalMillis) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      pendingModification = delivery;
      minIntervalNanos = minIntervalMillis * 1_000_000L;
      ensureWorker();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Drops everything pending and stops the worker. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      events.clear();
      pendingModification = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void enqueue(Event event) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      events.addLast(event);
      ensureWorker();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void ensureWorker() {
    if (worker == null) {
      worker = Thread.ofVirtual().name("ferry-notify-" + name).start(this::drain);
    }
  }

  private void drain() {
    Duration pause = FIRST_RETRY;
    while (true) {
      Event event;
      Delivery modification = null;
      lock.lock();
      try {
        event = events.pollFirst();
        if (event == null) {
          if (pendingModification == null || closed) {
            worker = null;
            return;
          }
          long wait = lastModificationNanos + minIntervalNanos - clock.nanoTime();
          if (wait > 0 && lastModificationNanos != 0) {
            changed.awaitNanos(wait);
            continue;
          }
          modification = pendingModification;
          pendingModification = null;
          lastModificationNanos = clock.nanoTime();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        lock.lock();
        worker = null;
        lock.unlock();
        return;
      } finally {
        if (lock.isHeldByCurrentThread()) {
          lock.unlock();
        }
      }
      if (modification != null) {
        attempt(modification, "modification");
        continue;
      }
      if (!event.stillApplies().getAsBoolean()) {
        continue;
      }
      if (attempt(event.delivery(), "notification") || !event.retried()) {
        pause = FIRST_RETRY;
        continue;
      }
      lock.lock();
      try {
        if (closed) {
          worker = null;
          return;
        }
        events.addFirst(event);
        changed.awaitNanos(pause.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        worker = null;
        return;
      } finally {
        lock.unlock();
      }
      pause = pause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : pause.multipliedBy(2);
    }
  }

  private boolean attempt(Delivery delivery, String what) {
    try {
      delivery.deliver();
      return true;
    } catch (Exception | LinkageError e) {
      log.debug("{} callback for {} failed; it will be retried if it must arrive", what, name, e);
      return false;
    }
  }
}
