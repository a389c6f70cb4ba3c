package dev.ferry.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl+C for a verb that runs until something happens (get, transfer, wait, monitor). The shutdown
 * hook first runs the verb's own reaction (such as suspending its job), then flags the interruption
 * and holds the JVM until the verb has closed its session, so the embedded engine checkpoints its
 * transfers before the process ends.
 */
final class Foreground {
  /** How long an interrupted JVM waits for the verb to wind down before exiting anyway. */
  private static final Duration GRACE = Duration.ofSeconds(15);

  private final CountDownLatch interrupted = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private final Semaphore wakeups = new Semaphore(0);
  private volatile boolean requested;
  private final Thread hook;

  private Foreground(Runnable onInterrupt) {
    this.hook =
        new Thread(() -> {
          requested = true;
          try {
            onInterrupt.run();
          } catch (RuntimeException ignored) {
            // The job may be final already, or the daemon gone: nothing left to keep.
          } finally {
            interrupted.countDown();
            wake();
          }
          try {
            released.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  static Foreground enter(Runnable onInterrupt) {
    Foreground foreground = new Foreground(onInterrupt);
    Runtime.getRuntime().addShutdownHook(foreground.hook);
    return foreground;
  }

  boolean interrupted() {
    return interrupted.getCount() == 0;
  }

  /**
   * Whether Ctrl+C has come, even if the verb's reaction is still running: a job found SUSPENDED
   * then was suspended by that reaction, not by another program.
   */
  boolean interruptRequested() {
    return requested;
  }

  /**
   * Waits up to {@code time}, or less when {@link #wake} is called or the verb is interrupted; true
   * when interrupted (at once, or meanwhile).
   */
  boolean pause(Duration time) throws InterruptedException {
    if (!interrupted()) {
      wakeups.tryAcquire(time.toMillis(), TimeUnit.MILLISECONDS);
      wakeups.drainPermits();
    }
    return interrupted();
  }

  /** Ends the current {@link #pause} early (or the next one, if none is under way). */
  void wake() {
    wakeups.release();
  }

  /** The verb is done and its session closed: the JVM may go. */
  void release() {
    released.countDown();
    if (!interrupted()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: it will find the latch released.
      }
    }
  }
}
