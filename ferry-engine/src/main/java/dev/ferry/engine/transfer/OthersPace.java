package dev.ferry.engine.transfer;

import java.time.Duration;

/**
 * Whether the sources other than the origin keep up with it: over the last full window they gave
 * (took in, where they fetch ahead: {@link dev.ferry.spi.Source#takenIn}) at least {@link #KEEP_UP}
 * of the rate the origin gave its last request, or gained as much (what they offer grew that fast:
 * other machines fetching the file fetch their shares, which this one waits for). Where other
 * machines fetch the file too ({@link #sharedBy}), the yardstick is this machine's share of that
 * rate: were the others to fall behind, all those machines would ask the origin at once. A window
 * is at least twice as long as that request took (and at least the least window): peers deliver
 * whole pieces, and a window that saw only one or two of them would judge by chance. While they do,
 * the origin leaves them the pieces they offer and a file asks it for no more than a request at a
 * time; once they do not (slow or gone), the origin is asked as it is without them, so a download
 * is never much slower than from the origin alone (where machines fetch it together: than all of
 * them from the origin). Through the first window they are deemed to keep up; after it, until a
 * request of the origin's has ended, they are while the origin has one open, and are not while it
 * has none (there is nothing to compare them with: the origin is asked once). Not thread-safe: the
 * {@link SourcePlanner} calls it under its lock, with its clock's time.
 */
final class OthersPace {
  /** The share of the origin's rate the others must give to keep up. */
  static final double KEEP_UP = 0.25;

  private final long leastWindowNanos;
  private long windowStart;
  private long windowBytes;
  private long windowOffered;
  private boolean keepUp = true;

  /** Bytes per second of the origin's last request; -1 before one ended. */
  private double originRate = -1;

  /** Machines that fetch the file and would share the origin, this one included. */
  private int sharers = 1;

  /** How long the origin's last request took. */
  private long originNanos;

  /** The others' pace over the last full window: what they gave or gained a second. */
  private double lastPace;

  private long originStart;
  private long originStartBytes;
  private boolean originOpen;

  OthersPace(long nowNanos, Duration window) {
    this.leastWindowNanos = window.toNanos();
    this.windowStart = nowNanos;
  }

  /** A request to the origin starts; {@code originBytes}: what it sent this file so far. */
  void originStarted(long nowNanos, long originBytes) {
    originStart = nowNanos;
    originStartBytes = originBytes;
    originOpen = true;
  }

  /** The origin's request ended: its rate is the yardstick from now on. */
  void originEnded(long nowNanos, long originBytes) {
    long bytes = originBytes - originStartBytes;
    long nanos = nowNanos - originStart;
    originOpen = false;
    if (bytes > 0 && nanos > 0) {
      originRate = bytes * 1e9 / nanos;
      originNanos = nanos;
    }
  }

  /**
   * The file is fetched by {@code machines} (this one included) that would all ask the origin were
   * the others to fall behind: the others are measured against this machine's share of the origin's
   * rate.
   */
  void sharedBy(int machines) {
    sharers = Math.max(1, machines);
  }

  /** How many machines the origin's rate is shared by. */
  int sharers() {
    return sharers;
  }

  /** What the others gave or gained a second over the last full window. */
  double lastPace() {
    return lastPace;
  }

  /** The origin's rate the others are measured against; -1 before a request of its ended. */
  double originRate() {
    return originRate;
  }

  /** Whether a window ends at {@code nowNanos}: the next {@link #keepUp} judges anew. */
  boolean judgesAt(long nowNanos) {
    return nowNanos - windowStart >= Math.max(leastWindowNanos, 2 * originNanos);
  }

  /**
   * Whether the others keep up at {@code nowNanos}.
   *
   * @param othersBytes all they gave this file so far
   * @param offeredBytes what they offer now, of the whole file, this file's or not: its growth is
   *     what they gain meanwhile, which counts as their pace too (machines fetching one file
   *     together each fetch their share from the origin before anyone can give it to the others)
   */
  boolean keepUp(long nowNanos, long othersBytes, long offeredBytes) {
    long elapsed = nowNanos - windowStart;
    if (judgesAt(nowNanos)) {
      double rate = (othersBytes - windowBytes) * 1e9 / elapsed;
      double gained = (offeredBytes - windowOffered) * 1e9 / elapsed;
      // Others that offer nothing at all while the origin works on this machine's pieces have
      // nothing to be judged on yet: they fetch theirs (a fleet starting together).
      boolean nothingYet = offeredBytes == 0 && othersBytes == windowBytes && originOpen;
      keepUp =
          originRate < 0
              ? originOpen || gained > 0
              : nothingYet || Math.max(rate, gained) >= KEEP_UP * originRate / sharers;
      lastPace = Math.max(rate, gained);
      windowStart = nowNanos;
      windowBytes = othersBytes;
      windowOffered = offeredBytes;
    }
    return keepUp;
  }
}
