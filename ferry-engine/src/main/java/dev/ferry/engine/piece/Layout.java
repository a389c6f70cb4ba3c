package dev.ferry.engine.piece;

import dev.ferry.api.FileRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Which bytes of a remote file a job wants and where each lands in the local file: the whole file
 * at the same offsets, or the requested ranges written back to back in the order given (as BITS
 * AddFileWithRanges does).
 */
public final class Layout {
  private final List<Span> wanted;
  private final long[] localStarts;
  private final long localSize;
  private final boolean identity;
  private final long wantedSize;

  private Layout(List<Span> wanted) {
    this.identity = false;
    this.wanted = List.copyOf(wanted);
    this.localStarts = new long[wanted.size()];
    long position = 0;
    for (int i = 0; i < wanted.size(); i++) {
      localStarts[i] = position;
      position += wanted.get(i).length();
    }
    this.localSize = position;
    this.wantedSize = position;
  }

  /** Wanted spans at their own offsets in a local file as large as the remote one. */
  private Layout(List<Span> wanted, long size) {
    this.identity = true;
    this.wanted = List.copyOf(wanted);
    this.localStarts = new long[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      localStarts[i] = wanted.get(i).start();
    }
    this.localSize = size;
    this.wantedSize = wanted.stream().mapToLong(Span::length).sum();
  }

  public static Layout wholeFile(long size) {
    return new Layout(size == 0 ? List.of() : List.of(new Span(0, size)), size);
  }

  /**
   * The layout of {@code ranges} written in place: each byte at its remote offset in a local file
   * as large as the remote one, which is how DO downloads lay out ranges, so that ranges added
   * later never move bytes already written. Ranges must fit and must not overlap.
   */
  public static Layout inPlace(List<FileRange> ranges, long size) {
    List<Span> spans = new ArrayList<>(ranges.size());
    for (FileRange range : ranges) {
      spans.add(new Span(range.offset(), range.end(size)));
    }
    spans.sort(java.util.Comparator.comparingLong(Span::start));
    return new Layout(spans, size);
  }

  /** How many bytes are wanted. */
  public long wantedSize() {
    return wantedSize;
  }

  /** Whether every wanted byte lands at its remote offset. */
  public boolean isIdentity() {
    return identity;
  }

  /** The layout of {@code ranges} for a remote file of {@code size} bytes; ranges must fit. */
  public static Layout ranges(List<FileRange> ranges, long size) {
    List<Span> spans = new ArrayList<>(ranges.size());
    for (FileRange range : ranges) {
      spans.add(new Span(range.offset(), range.end(size)));
    }
    return new Layout(spans);
  }

  /** Whether every range lies inside a remote file of {@code size} bytes. */
  public static boolean fits(List<FileRange> ranges, long size) {
    for (FileRange range : ranges) {
      if (range.offset() >= size
          || (!range.toEndOfFile() && range.offset() + range.length() > size)) {
        return false;
      }
    }
    return true;
  }

  /** The wanted spans of the remote file, in local (request) order. */
  public List<Span> wanted() {
    return wanted;
  }

  /** The size of the local file: the sum of the wanted lengths, or the remote size in place. */
  public long localSize() {
    return localSize;
  }

  /**
   * Where remote offset {@code remote} lands locally, given that it lies in wanted span {@code
   * spanIndex}.
   */
  public long localOffset(int spanIndex, long remote) {
    return localStarts[spanIndex] + (remote - wanted.get(spanIndex).start());
  }
}
