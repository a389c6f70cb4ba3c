package dev.ferry.engine.transfer;

import dev.ferry.engine.concurrent.ChangeSignal;
import dev.ferry.engine.piece.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The parts of a file that connections are fetching right now. A connection that runs out of work
 * claims a gap nobody fetches; else it takes over the whole rest of a straggler's part (a
 * connection far slower than the fastest, which is then dropped); else the second half of the
 * largest part still being fetched (aria2's adaptive splitting). So fast connections end up doing
 * most of the work, and one slow connection cannot hold up the end of a file.
 */
final class Segments {
  /** Bytes of the remote file one connection fetches: {@code [cursor, end)}, end may shrink. */
  static final class Segment {
    private volatile long cursor;
    private volatile long end;
    private volatile boolean dropped;

    /** The end of the bytes the connection has read and is writing; guarded by this segment. */
    private long inHand;

    private final long startCursor;
    private final long startNanos;

    Segment(long start, long end, long nanos) {
      this.cursor = start;
      this.end = end;
      this.startCursor = start;
      this.startNanos = nanos;
      this.inHand = start;
    }

    /**
     * Takes the bytes {@code [from, to)} its connection just read for writing, as far as the part
     * still reaches: another connection may have cut it while the read ran. Returns the end of what
     * may be written; what the part no longer covers belongs to whoever took it.
     */
    synchronized long take(long from, long to) {
      inHand = Math.max(from, Math.min(to, end));
      return inHand;
    }

    /**
     * Ends the part at {@code position}, or after the bytes its connection has in hand if later, so
     * that no two connections write the same bytes. Returns where the part now ends.
     */
    private synchronized long cutAt(long position) {
      end = Math.max(Math.min(position, end), Math.min(inHand, end));
      return end;
    }

    /** Another connection took the rest of this part because this one was far too slow. */
    boolean dropped() {
      return dropped;
    }

    /** Bytes per second since the part began, or -1 while it is too young to judge. */
    double rate(long nowNanos) {
      long age = nowNanos - startNanos;
      return age < JUDGE_AFTER_NANOS ? -1 : (cursor - startCursor) * 1e9 / age;
    }

    /** Bytes per second over a part that ended, or -1 for one too small to tell. */
    double finalRate(long nowNanos) {
      long age = nowNanos - startNanos;
      long bytes = cursor - startCursor;
      return age <= 0 || bytes < ALIGNMENT ? -1 : bytes * 1e9 / age;
    }

    long cursor() {
      return cursor;
    }

    long end() {
      return end;
    }

    void advanceTo(long position) {
      cursor = position;
    }

    long remaining() {
      return Math.max(0, end - cursor);
    }
  }

  private static final long ALIGNMENT = 64 * 1024;

  /** How long a part runs before its speed is judged: long enough for TCP to ramp up. */
  private static final long JUDGE_AFTER_NANOS = 2_000_000_000L;

  /** A connection this many times slower than the fastest is dropped. */
  private static final int STRAGGLER_FACTOR = 8;

  /** A straggler is dropped only when it has at least this long left at its own speed. */
  private static final double WORTH_TAKING_SECONDS = 2;

  private final List<Segment> active = new ArrayList<>();

  /** Tells idle connections that a part ended, was cut or was given back. */
  private final ChangeSignal changes = new ChangeSignal();

  private final long minimumSplit;
  private final LongSupplier clock;

  /** The fastest any ended part went: the yardstick once the fast connections are idle. */
  private double fastestEnded;

  Segments(long minimumSplit) {
    this(minimumSplit, System::nanoTime);
  }

  Segments(long minimumSplit, LongSupplier clock) {
    this.minimumSplit = minimumSplit;
    this.clock = clock;
  }

  synchronized Segment begin(long start, long end) {
    Segment segment = new Segment(start, end, clock.getAsLong());
    active.add(segment);
    return segment;
  }

  synchronized void release(Segment segment) {
    active.remove(segment);
    fastestEnded = Math.max(fastestEnded, segment.finalRate(clock.getAsLong()));
    changes.signal();
  }

  /** Waits until a part ends, {@link #wakeAll} is called, or {@code most} has passed. */
  void awaitChange(java.time.Duration most) throws InterruptedException {
    changes.awaitNext(most);
  }

  /** Ends every {@link #awaitChange} under way: the transfer is winding its connections down. */
  void wakeAll() {
    changes.signal();
  }

  /**
   * Cuts the {@code count} parts begun last short where they are: their connections stop at their
   * next read and end, as dropped stragglers do, and the rest of each part goes back to be claimed.
   * The parts begun last are those of the connections added last, which are the ones that did not
   * pay when the ramp backs off.
   */
  synchronized void shed(int count) {
    List<Segment> youngest = new ArrayList<>(active);
    youngest.sort((a, b) -> Long.compare(b.startNanos, a.startNanos));
    for (Segment segment : youngest.subList(0, Math.min(count, youngest.size()))) {
      segment.cutAt(segment.cursor());
      segment.dropped = true;
    }
    changes.signal();
  }

  /**
   * Gives back the end of a part its source cannot serve: from {@code end} on it is a gap again.
   */
  synchronized void trim(Segment segment, long end) {
    if (end < segment.end) {
      segment.end = end;
      changes.signal();
    }
  }

  /**
   * Whether an idle connection should wait rather than end: a part with work left is still too
   * young to judge, and may turn out to be a straggler it should take over.
   */
  synchronized boolean worthWaiting() {
    long now = clock.getAsLong();
    for (Segment segment : active) {
      if (segment.rate(now) < 0 && segment.remaining() >= ALIGNMENT) {
        return true;
      }
    }
    return false;
  }

  /** The parts of {@code gaps} no connection is fetching now, in order. */
  synchronized List<Span> uncovered(List<Span> gaps) {
    List<Span> free = new ArrayList<>();
    for (Span gap : gaps) {
      long from = gap.start();
      while (from < gap.end()) {
        Span part = firstUncovered(new Span(from, gap.end()));
        if (part == null) {
          break;
        }
        free.add(part);
        from = part.end();
      }
    }
    return free;
  }

  /**
   * Work for an idle connection: the first gap no connection covers, else the rest of a straggler's
   * segment, else half of the largest segment when it is worth splitting, else null.
   */
  synchronized Segment claim(List<Span> gaps) {
    for (Span gap : gaps) {
      Span free = firstUncovered(gap);
      if (free != null) {
        return begin(free.start(), free.end());
      }
    }
    Segment straggler = straggler();
    if (straggler != null) {
      long end = straggler.end();
      long from = straggler.cutAt(straggler.cursor());
      straggler.dropped = true;
      return from < end ? begin(from, end) : null;
    }
    Segment largest = null;
    for (Segment segment : active) {
      if (largest == null || segment.remaining() > largest.remaining()) {
        largest = segment;
      }
    }
    if (largest == null || largest.remaining() < 2 * minimumSplit) {
      return null;
    }
    long middle = largest.cursor() + largest.remaining() / 2;
    middle = Math.min(largest.end(), (middle + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
    long end = largest.end();
    middle = largest.cutAt(middle);
    return middle < end ? begin(middle, end) : null;
  }

  /**
   * The segment whose connection is far slower than the fastest one and would still take a while,
   * the one with the most time left first; null when there is none.
   */
  private Segment straggler() {
    long now = clock.getAsLong();
    double fastest = fastestEnded;
    for (Segment segment : active) {
      fastest = Math.max(fastest, segment.rate(now));
    }
    Segment worst = null;
    double worstSecondsLeft = WORTH_TAKING_SECONDS;
    for (Segment segment : active) {
      double rate = segment.rate(now);
      if (rate < 0 || rate * STRAGGLER_FACTOR >= fastest || segment.remaining() < ALIGNMENT) {
        continue;
      }
      double secondsLeft = segment.remaining() / Math.max(rate, 1);
      if (secondsLeft > worstSecondsLeft) {
        worst = segment;
        worstSecondsLeft = secondsLeft;
      }
    }
    return worst;
  }

  private Span firstUncovered(Span gap) {
    long cursor = gap.start();
    boolean moved = true;
    while (moved && cursor < gap.end()) {
      moved = false;
      for (Segment segment : active) {
        if (segment.cursor() <= cursor && cursor < segment.end()) {
          cursor = segment.end();
          moved = true;
        }
      }
    }
    if (cursor >= gap.end()) {
      return null;
    }
    long end = gap.end();
    for (Segment segment : active) {
      if (segment.cursor() > cursor && segment.cursor() < end) {
        end = segment.cursor();
      }
    }
    return new Span(cursor, end);
  }
}
