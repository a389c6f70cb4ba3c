package dev.ferry.engine.transfer;

/**
 * Tells a running transfer to stop (suspend, cancel, preemption, shutdown). Stopping also aborts
 * the response being read, so a transfer blocked in a read returns at once.
 */
public final class StopSignal {
  private volatile boolean stopped;
  private SourceResponse current;

  public boolean isStopped() {
    return stopped;
  }

  public void stop() {
    SourceResponse response;
    synchronized (this) {
      stopped = true;
      response = current;
    }
    if (response != null) {
      response.abort();
    }
  }

  synchronized void attach(SourceResponse response) {
    current = response;
    if (stopped) {
      response.abort();
    }
  }

  synchronized void detach() {
    current = null;
  }
}
