package dev.ferry.engine.transfer;

import dev.ferry.spi.TransferFailure;

/** What a file transfer tells its job while it runs. Called on the transfer's thread. */
public interface TransferListener {
  /** The source answered: the job is now transferring. */
  void connected();

  /**
   * {@code bytes} new wanted bytes were written. May refuse them (e.g. the job's download cap) by
   * throwing.
   */
  void progressed(long bytes) throws TransferFailure;

  /** The file's data is flushed to disk up to the current piece map: persist the checkpoint. */
  void checkpoint();
}
