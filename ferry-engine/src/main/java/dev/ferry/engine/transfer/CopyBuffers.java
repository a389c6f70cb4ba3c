package dev.ferry.engine.transfer;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The copy loop's buffers, kept for the next transfer as Okio keeps its segments: a job of many
 * small files allocated, zeroed and collected one per file, a quarter of a gigabyte for 1,000
 * files. A buffer only ever goes to disk as far as a read filled it, so what an earlier transfer
 * left in it is never written.
 */
final class CopyBuffers {
  static final int SIZE = 256 * 1024;

  /** At most this many idle buffers are kept: enough for a few files' connections. */
  private static final int KEPT = 16;

  private static final ConcurrentLinkedQueue<byte[]> idle = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger idleCount = new AtomicInteger();

  private CopyBuffers() {}

  static byte[] take() {
    byte[] buffer = idle.poll();
    if (buffer == null) {
      return new byte[SIZE];
    }
    idleCount.decrementAndGet();
    return buffer;
  }

  /** Gives back a buffer its taker no longer uses. */
  static void give(byte[] buffer) {
    if (idleCount.incrementAndGet() <= KEPT) {
      idle.offer(buffer);
    } else {
      idleCount.decrementAndGet();
    }
  }
}
