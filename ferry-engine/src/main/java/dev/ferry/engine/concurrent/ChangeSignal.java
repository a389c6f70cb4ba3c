package dev.ferry.engine.concurrent;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A count of changes that threads wait on, for a moment at most, to look again at what they wait
 * for.
 *
 * <p>Why not {@code Object.wait}: a virtual thread that waits in a loop on a monitor stays on its
 * carrier once the JIT has compiled the loop (seen with JDK 25.0.3: the carrier is pinned in {@code
 * Object.wait0} and no other virtual thread gets it). With as many such loops as cores, every other
 * virtual thread of the process starves: a download's peer connections and its origin went silent
 * while its idle connections waited for them (bench/README.md, "The stall's cause"). A {@link
 * Condition} parks, and a parked virtual thread leaves its carrier unless something else pins it
 * (on JDK 21, a monitor held around the wait: the callers wait holding none). {@code
 * ChangeSignalTest} keeps more waiting loops than cores running and checks that other virtual
 * threads still run.
 */
public final class ChangeSignal {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long version;

  /** Counts a change and wakes every waiter. */
  public void signal() {
    lock.lock();
    try {
      version++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The number of changes so far: read it before looking at the state a wait is for. */
  public long version() {
    lock.lock();
    try {
      return version;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a change after {@code seen} (a {@link #version} read before looking) or until
   * {@code most} has passed, whichever comes first; whether a change came.
   */
  public boolean awaitChange(long seen, Duration most) throws InterruptedException {
    long nanos = Math.max(1, most.toNanos());
    lock.lock();
    try {
      while (version == seen) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the next change, or until {@code most} has passed. */
  public boolean awaitNext(Duration most) throws InterruptedException {
    return awaitChange(version(), most);
  }

  @Override
  public String toString() {
    return "ChangeSignal[" + version() + "]";
  }
}
