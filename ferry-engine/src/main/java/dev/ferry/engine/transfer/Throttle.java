package dev.ferry.engine.transfer;

/** Paces a transfer: called with the bytes just read; returns once they may be written. */
public interface Throttle {
  void pass(long bytes) throws InterruptedException;

  /** The most a connection should read at once, so pacing stays smooth at low rates. */
  default int chunkLimit() {
    return Integer.MAX_VALUE;
  }
}
