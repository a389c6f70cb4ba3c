package dev.ferry.engine.transfer;

import java.net.URI;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's requests for one file while other sources share it: how many the planner gave it and
 * has not had back, which pieces the last one was for, what it delivered, and whether the others
 * keep up with it ({@link OthersPace}). The origin's byte count is kept on the copy path, with no
 * lock; the rest is not thread-safe: its {@link SourcePlanner} calls it under its lock, with its
 * clock's time.
 */
final class OriginRequests {
  private static final Logger log = LoggerFactory.getLogger(OriginRequests.class);

  private final URI uri;
  private final OthersPace pace;

  /** Bytes received from the origin. */
  private final LongAdder originBytes = new LongAdder();

  /** Requests given to the origin and not released yet. */
  private int open;

  /** Whether the open requests are timed ones (not a probe): they set the others' yardstick. */
  private boolean timed;

  /** The bytes of the origin's last request, {@code [lastStart, lastEnd)}; lastEnd -1: none. */
  private long lastStart;

  private long lastEnd = -1;

  /** What the other sources offered when last asked, in bytes. */
  private long offeredBytes;

  /** The last verdict {@link #othersKeepUp} logged. */
  private boolean keptUp = true;

  OriginRequests(URI uri, long nowNanos) {
    this.uri = uri;
    this.pace = new OthersPace(nowNanos, SourcePlanner.QOS_WINDOW);
  }

  /** Bytes arrived from the origin. */
  void received(long bytes) {
    originBytes.add(bytes);
  }

  /** The origin was given a request for {@code [start, end)} ({@code probe}: its first byte). */
  void started(long nowNanos, long start, long end, boolean probe) {
    if (open == 0 && !probe) {
      pace.originStarted(nowNanos, originBytes.sum());
      timed = true;
    }
    open++;
    if (!probe && end >= 0) {
      lastStart = start;
      lastEnd = end;
    }
  }

  /** One of the origin's requests is done with; whether it had one. */
  boolean released(long nowNanos) {
    if (open == 0) {
      return false;
    }
    open--;
    if (open == 0 && timed) {
      pace.originEnded(nowNanos, originBytes.sum());
      timed = false;
    }
    return true;
  }

  /** How many requests the origin has open. */
  int open() {
    return open;
  }

  /** The other sources offer {@code bytes} of the file now (all of what they offer). */
  void offered(long bytes) {
    offeredBytes = bytes;
  }

  /**
   * The pieces (of {@code pieceSize}) the origin's last request was for, the last one whole or not,
   * or null before one.
   */
  OriginPick.Run last(int pieceSize) {
    if (lastEnd < 0 || pieceSize <= 0) {
      return null;
    }
    return new OriginPick.Run(
        (int) (lastStart / pieceSize), (int) ((lastEnd + pieceSize - 1) / pieceSize));
  }

  /**
   * Whether the others are judged anew at {@code nowNanos}: what they offer should be read just
   * before ({@link #offered}), so that their gain is measured to now.
   */
  boolean judgesAt(long nowNanos) {
    return pace.judgesAt(nowNanos);
  }

  /**
   * {@link OthersPace#keepUp}, logged when its verdict changes.
   *
   * @param othersBytes what the other sources gave or took in so far, read only where a window ends
   * @param sharers the machines that fetch the file, this one included ({@link
   *     OthersPace#sharedBy}), read there too
   */
  boolean othersKeepUp(long nowNanos, LongSupplier othersBytes, IntSupplier sharers) {
    long others = 0;
    if (pace.judgesAt(nowNanos)) {
      others = othersBytes.getAsLong();
      pace.sharedBy(sharers.getAsInt());
    }
    boolean keepUp = pace.keepUp(nowNanos, others, offeredBytes);
    if (keepUp != keptUp) {
      keptUp = keepUp;
      // At info: what a download costs the origin turns on it, and it changes seldom (once a
      // window at most).
      log.info(
          "{}: other sources gave or gained {} B/s, the origin's last request {} B/s, shared by {}"
              + " machines: they {}",
          uri,
          (long) pace.lastPace(),
          (long) pace.originRate(),
          pace.sharers(),
          keepUp ? "keep up" : "fall behind, the origin is asked for everything");
    }
    return keepUp;
  }
}
