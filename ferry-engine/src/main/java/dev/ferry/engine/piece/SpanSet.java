package dev.ferry.engine.piece;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of byte offsets kept as disjoint, merged spans. A transfer uses it to remember what it
 * wrote since the piece map was last read, so that bytes of a piece not yet complete are neither
 * fetched nor counted twice.
 */
public final class SpanSet {
  private final TreeMap<Long, Long> spans = new TreeMap<>();

  public void add(Span span) {
    if (span.isEmpty()) {
      return;
    }
    long start = span.start();
    long end = span.end();
    Map.Entry<Long, Long> before = spans.floorEntry(start);
    if (before != null && before.getValue() >= start) {
      start = before.getKey();
      end = Math.max(end, before.getValue());
    }
    Map.Entry<Long, Long> next;
    while ((next = spans.ceilingEntry(start)) != null && next.getKey() <= end) {
      end = Math.max(end, next.getValue());
      spans.remove(next.getKey());
    }
    spans.put(start, end);
  }

  /** How many bytes of {@code span} are in the set. */
  public long overlap(Span span) {
    long total = 0;
    Map.Entry<Long, Long> first = spans.floorEntry(span.start());
    Long from = first != null ? first.getKey() : span.start();
    for (Map.Entry<Long, Long> e : spans.tailMap(from, true).entrySet()) {
      if (e.getKey() >= span.end()) {
        break;
      }
      total += new Span(e.getKey(), e.getValue()).intersect(span).length();
    }
    return total;
  }

  /** The parts of {@code span} not in the set, in order. */
  public List<Span> subtractFrom(Span span) {
    List<Span> result = new ArrayList<>();
    long cursor = span.start();
    Map.Entry<Long, Long> first = spans.floorEntry(span.start());
    Long from = first != null ? first.getKey() : span.start();
    for (Map.Entry<Long, Long> e : spans.tailMap(from, true).entrySet()) {
      if (e.getKey() >= span.end()) {
        break;
      }
      if (e.getValue() <= cursor) {
        continue;
      }
      if (e.getKey() > cursor) {
        result.add(new Span(cursor, e.getKey()));
      }
      cursor = Math.max(cursor, e.getValue());
    }
    if (cursor < span.end()) {
      result.add(new Span(cursor, span.end()));
    }
    return result;
  }

  /** Takes {@code span}'s bytes out of the set. */
  public void remove(Span span) {
    if (span.isEmpty()) {
      return;
    }
    List<Span> keep = new ArrayList<>();
    Map.Entry<Long, Long> first = spans.floorEntry(span.start());
    Long from = first != null ? first.getKey() : span.start();
    List<Long> overlapping = new ArrayList<>();
    for (Map.Entry<Long, Long> e : spans.tailMap(from, true).entrySet()) {
      if (e.getKey() >= span.end()) {
        break;
      }
      if (e.getValue() <= span.start()) {
        continue;
      }
      overlapping.add(e.getKey());
      if (e.getKey() < span.start()) {
        keep.add(new Span(e.getKey(), span.start()));
      }
      if (e.getValue() > span.end()) {
        keep.add(new Span(span.end(), e.getValue()));
      }
    }
    overlapping.forEach(spans::remove);
    keep.forEach(this::add);
  }

  public void clear() {
    spans.clear();
  }

  public boolean isEmpty() {
    return spans.isEmpty();
  }
}
