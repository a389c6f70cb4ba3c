package dev.ferry.spi;

/**
 * What the engine's store writes cost, for metrics: one listener, called after each write
 * transaction on the thread that wrote, often under the engine's lock, so it must be quick, must
 * not block and must not throw.
 */
@FunctionalInterface
public interface StoreEvents {
  /** Listens to nothing. */
  StoreEvents NONE = (waitedForDisk, nanos) -> {};

  /**
   * A write transaction ended, committed or rolled back.
   *
   * @param waitedForDisk whether its commit waited for the disk (SQLite's {@code
   *     synchronous=FULL}), or only for the process's crash safety ({@code NORMAL})
   * @param nanos how long it took, from its first statement to its commit or rollback
   */
  void written(boolean waitedForDisk, long nanos);
}
