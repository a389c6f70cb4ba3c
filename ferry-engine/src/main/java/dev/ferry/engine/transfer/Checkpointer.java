package dev.ferry.engine.transfer;

import dev.ferry.spi.TransferFailure;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A transfer's checkpoints: flush the file, then record the pieces that were done before the flush
 * began. A piece finished during the flush may still be only in the page cache, so it waits for the
 * next one; that way a crash of the machine never leaves a piece recorded done whose bytes were
 * lost. Periodic checkpoints run on a thread of their own: a flush can take a fifth of a second on
 * a fast download, and every connection would otherwise wait for it.
 */
final class Checkpointer {
  private final TransferContext transfer;
  private final FileSink sink;
  private final long intervalNanos;
  private volatile long lastNanos;

  /** The last periodic checkpoint's thread (under way or done), or null before the first. */
  private final AtomicReference<Thread> running = new AtomicReference<>();

  /** Why the last periodic checkpoint failed; the next connection to write reports it. */
  private volatile TransferFailure failure;

  Checkpointer(TransferContext transfer, FileSink sink) {
    this.transfer = transfer;
    this.sink = sink;
    this.intervalNanos = transfer.settings().checkpointInterval().toNanos();
    this.lastNanos = transfer.clock().nanoTime();
  }

  /**
   * Starts a checkpoint on a thread of its own when one is due; reports the failure of the last
   * one. Called by every connection after each write, so it costs two reads when none is due.
   */
  void maybeCheckpoint() throws TransferFailure {
    TransferFailure failed = failure;
    if (failed != null) {
      throw failed;
    }
    if (!transfer.settings().checkpoints()
        || transfer.clock().nanoTime() - lastNanos < intervalNanos) {
      return;
    }
    Thread previous = running.get();
    if (previous != null && previous.isAlive()) {
      return;
    }
    Thread next =
        Thread.ofVirtual()
            .name("ferry-checkpoint")
            .unstarted(() -> {
              try {
                checkpoint(true);
              } catch (TransferFailure f) {
                failure = f;
              }
            });
    if (running.compareAndSet(previous, next)) {
      lastNanos = transfer.clock().nanoTime();
      next.start();
    }
  }

  /** A checkpoint now, on the caller's thread, through the transfer's own channel. */
  void checkpointNow() throws TransferFailure {
    checkpoint(false);
  }

  /** {@code aside}: through a channel of its own where it may ({@link FileSink#flushAside}). */
  private void checkpoint(boolean aside) throws TransferFailure {
    lastNanos = transfer.clock().nanoTime();
    if (!transfer.settings().checkpoints()) {
      return;
    }
    FileState.Flush flush = transfer.state().beginFlush();
    transfer.events().checkpointStarted(transfer.file());
    try {
      if (aside) {
        sink.flushAside();
      } else {
        sink.flush(false);
      }
    } catch (TransferFailure f) {
      transfer.events().checkpointEnded(transfer.file(), f);
      throw f;
    }
    transfer.state().flushed(flush);
    transfer.events().checkpointEnded(transfer.file(), null);
    transfer.listener().checkpoint();
  }

  /** Flushes the finished file, data and metadata, and records every piece as on disk. */
  void flushFinished() throws TransferFailure {
    FileState.Flush flush = transfer.state().beginFlush();
    sink.flush(true);
    transfer.state().flushed(flush);
  }

  /**
   * Waits for a periodic checkpoint under way, if any; one that shares the transfer's channel must
   * be waited for before the channel closes.
   */
  void await() {
    Thread checkpoint = running.get();
    if (checkpoint != null) {
      transfer.stop().join(checkpoint);
    }
  }
}
