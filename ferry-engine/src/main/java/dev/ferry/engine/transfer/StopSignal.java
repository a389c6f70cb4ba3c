package dev.ferry.engine.transfer;

import dev.ferry.spi.SourceResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells a running transfer to stop (suspend, cancel, preemption, shutdown). Stopping also aborts
 * every response being read, so connections blocked in a read return at once.
 */
public final class StopSignal {
  private volatile boolean stopped;
  private final Set<SourceResponse> open = new HashSet<>();

  public boolean isStopped() {
    return stopped;
  }

  public void stop() {
    List<SourceResponse> responses;
    synchronized (this) {
      stopped = true;
      responses = List.copyOf(open);
    }
    for (SourceResponse response : responses) {
      response.abort();
    }
  }

  /**
   * Waits for one of the transfer's threads (a connection, a checkpoint) to end. An interrupt
   * meanwhile stops the transfer, so the thread ends soon, and is kept for the caller.
   */
  void join(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
        stop();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void attach(SourceResponse response) {
    open.add(response);
    if (stopped) {
      response.abort();
    }
  }

  synchronized void detach(SourceResponse response) {
    open.remove(response);
  }
}
