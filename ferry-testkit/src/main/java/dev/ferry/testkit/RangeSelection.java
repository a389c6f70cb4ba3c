package dev.ferry.testkit;

import java.util.Locale;

/**
 * Which bytes a GET asks for, decided from its Range and If-Range headers (RFC 9110 §14).
 *
 * <p>Only a single range is honoured. A header listing several ranges is ignored and the whole body
 * sent with 200, which RFC 9110 §14.2 permits and which spares the origin multipart/byteranges.
 * Malformed headers, unknown units and ranges whose last byte precedes their first are ignored the
 * same way, as the RFC requires.
 */
sealed interface RangeSelection {

  /** The whole content, answered with 200. */
  record Whole() implements RangeSelection {}

  /** Bytes {@code first..last} inclusive, answered with 206. */
  record Part(long first, long last) implements RangeSelection {
    long length() {
      return last - first + 1;
    }
  }

  /** A well-formed range that misses the content, answered with 416. */
  record Unsatisfiable() implements RangeSelection {}

  RangeSelection WHOLE = new Whole();
  RangeSelection UNSATISFIABLE = new Unsatisfiable();

  /**
   * The selection for a request to {@code resource}; {@code range} and {@code ifRange} may be null.
   */
  static RangeSelection of(String range, String ifRange, Resource resource) {
    if (range == null || (ifRange != null && !resource.matches(ifRange))) {
      return WHOLE;
    }
    return parse(range, resource.size());
  }

  /** The selection {@code range} makes of content of {@code size} bytes. */
  static RangeSelection parse(String range, long size) {
    String spec = range.strip();
    int eq = spec.indexOf('=');
    if (eq < 0 || !spec.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
      return WHOLE;
    }
    spec = spec.substring(eq + 1);
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf(',') >= 0) {
      return WHOLE;
    }
    String head = spec.substring(0, dash).strip();
    String tail = spec.substring(dash + 1).strip();
    if (head.isEmpty()) {
      long suffix = digits(tail);
      if (suffix < 0) {
        return WHOLE;
      }
      // A zero-length suffix, or any suffix of empty content, selects nothing (RFC 9110 §14.1.3).
      return suffix == 0 || size == 0
          ? UNSATISFIABLE
          : new Part(Math.max(0, size - suffix), size - 1);
    }
    long first = digits(head);
    long last = tail.isEmpty() ? Long.MAX_VALUE : digits(tail);
    if (first < 0 || last < first) {
      return WHOLE;
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new Part(first, Math.min(last, size - 1));
  }

  /**
   * The value of a non-empty run of ASCII digits, saturating at {@link Long#MAX_VALUE} because a
   * huge but well-formed position is still meaningful (it is past any content); -1 otherwise.
   */
  private static long digits(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
    }
    return value;
  }
}
