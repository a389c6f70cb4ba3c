package dev.ferry.engine.piece;

/** A half-open byte interval {@code [start, end)} of the remote file. */
public record Span(long start, long end) {
  public Span {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("span [" + start + ", " + end + ")");
    }
  }

  public long length() {
    return end - start;
  }

  public boolean isEmpty() {
    return end == start;
  }

  public Span intersect(Span other) {
    long s = Math.max(start, other.start);
    long e = Math.min(end, other.end);
    return e > s ? new Span(s, e) : new Span(s, s);
  }
}
