package dev.ferry.engine.transfer;

import dev.ferry.engine.piece.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a file that connections are fetching right now. A connection that runs out of work
 * claims a gap nobody fetches, or else takes the second half of the largest part still being
 * fetched (aria2's adaptive splitting), so fast connections end up doing most of the work and all
 * of them finish together.
 */
final class Segments {
  /** Bytes of the remote file one connection fetches: {@code [cursor, end)}, end may shrink. */
  static final class Segment {
    private volatile long cursor;
    private volatile long end;

    Segment(long start, long end) {
      this.cursor = start;
      this.end = end;
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

  private final List<Segment> active = new ArrayList<>();
  private final long minimumSplit;

  Segments(long minimumSplit) {
    this.minimumSplit = minimumSplit;
  }

  synchronized Segment begin(long start, long end) {
    Segment segment = new Segment(start, end);
    active.add(segment);
    return segment;
  }

  synchronized void release(Segment segment) {
    active.remove(segment);
  }

  /**
   * Work for an idle connection: the first gap no connection covers, else half of the largest
   * segment when it is worth splitting, else null.
   */
  synchronized Segment claim(List<Span> gaps) {
    for (Span gap : gaps) {
      Span free = firstUncovered(gap);
      if (free != null) {
        return begin(free.start(), free.end());
      }
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
    Segment taken = begin(middle, largest.end());
    largest.end = middle;
    return taken;
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
