package dev.ferry.swarm.bencode;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Decodes one bencoded value that spans the whole input. Always strict about what BEP 3 forbids
 * (integers with leading zeros or {@code -0}, lengths with leading zeros, non-string keys, trailing
 * bytes) and about keys seen twice; in canonical mode also about keys out of order, so that the
 * value encodes back to the very bytes it came from (what an info-hash needs).
 *
 * <p>Hostile input fails with a {@link BencodeException}, never with an OutOfMemoryError or a
 * StackOverflowError: a string's length is checked against the bytes left before anything is
 * allocated, nesting deeper than {@link Limits#maxDepth} and more than {@link Limits#maxItems}
 * values in all are refused.
 */
public final class Bdecoder {
  /**
   * Bounds on what one input may hold.
   *
   * @param maxDepth how deep lists and dictionaries may nest; each level costs a few stack frames
   * @param maxItems how many values the input may hold in all; each costs tens of bytes of heap
   *     however small its encoding ({@code le} is two bytes)
   */
  public record Limits(int maxDepth, int maxItems) {
    /** Generous for torrents, whose depth is a handful and whose items are a few per file. */
    public static final Limits DEFAULT = new Limits(64, 1_000_000);

    public Limits {
      if (maxDepth < 1 || maxItems < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  /** The most digits a 64-bit integer has. */
  private static final int MAX_INTEGER_DIGITS = 19;

  private final byte[] in;
  private final boolean canonical;
  private final Limits limits;
  private int at;
  private int items;

  private Bdecoder(byte[] in, boolean canonical, Limits limits) {
    this.in = in;
    this.canonical = canonical;
    this.limits = limits;
  }

  /** Decodes canonical bencode within the default limits. */
  public static BValue decode(byte[] input) {
    return decode(input, true, Limits.DEFAULT);
  }

  /**
   * Decodes {@code input}, which must hold exactly one value; {@code canonical} also refuses
   * dictionary keys out of order.
   */
  public static BValue decode(byte[] input, boolean canonical, Limits limits) {
    Bdecoder decoder = new Bdecoder(input, canonical, limits);
    BValue value = decoder.value(0);
    if (decoder.at != input.length) {
      throw decoder.fail((input.length - decoder.at) + " bytes after the value");
    }
    return value;
  }

  /** A value at the start of an input and how many bytes it spans. */
  public record Prefix(BValue value, int length) {}

  /**
   * Decodes the one value at the start of {@code input} and says where it ends: for messages that
   * carry raw bytes after a bencoded header (BEP 9's metadata pieces).
   */
  public static Prefix decodePrefix(byte[] input, boolean canonical, Limits limits) {
    Bdecoder decoder = new Bdecoder(input, canonical, limits);
    BValue value = decoder.value(0);
    return new Prefix(value, decoder.at);
  }

  private BValue value(int depth) {
    if (++items > limits.maxItems()) {
      throw fail("more than " + limits.maxItems() + " values");
    }
    int c = peek();
    return switch (c) {
      case 'i' -> integer();
      case 'l' -> list(depth + 1);
      case 'd' -> dict(depth + 1);
      default -> {
        if (c >= '0' && c <= '9') {
          yield string();
        }
        throw fail("unexpected " + describe(c));
      }
    };
  }

  private BInteger integer() {
    at++;
    boolean negative = peek() == '-';
    if (negative) {
      at++;
    }
    int start = at;
    long value = 0;
    while (peek() != 'e') {
      int c = next();
      if (c < '0' || c > '9') {
        at--;
        throw fail("unexpected " + describe(c) + " in an integer");
      }
      if (at - start > MAX_INTEGER_DIGITS) {
        throw fail("integer longer than 64 bits");
      }
      try {
        // Accumulated as a negative number: Long.MIN_VALUE has no positive counterpart.
        value = Math.subtractExact(Math.multiplyExact(value, 10), c - '0');
      } catch (ArithmeticException e) {
        throw fail("integer longer than 64 bits");
      }
      if (!negative && value == Long.MIN_VALUE) {
        throw fail("integer longer than 64 bits");
      }
    }
    int digits = at - start;
    if (digits == 0) {
      throw fail("integer without digits");
    }
    if (in[start] == '0' && (digits > 1 || negative)) {
      throw fail(negative ? "integer -0 or with a leading zero" : "integer with a leading zero");
    }
    at++;
    return new BInteger(negative ? value : -value);
  }

  private BString string() {
    int start = at;
    long length = 0;
    while (peek() != ':') {
      int c = next();
      if (c < '0' || c > '9') {
        at--;
        throw fail("unexpected " + describe(c) + " in a string's length");
      }
      length = length * 10 + (c - '0');
      if (length > in.length) {
        throw fail("a string's length runs past the end of the input");
      }
    }
    if (in[start] == '0' && at - start > 1) {
      throw fail("string length with a leading zero");
    }
    at++;
    if (length > in.length - at) {
      throw fail(
          "a string of "
              + length
              + " bytes runs past the end of the input ("
              + (in.length - at)
              + " left)");
    }
    byte[] bytes = java.util.Arrays.copyOfRange(in, at, at + (int) length);
    at += (int) length;
    return BString.wrap(bytes);
  }

  private BList list(int depth) {
    checkDepth(depth);
    at++;
    List<BValue> items = new ArrayList<>();
    while (peek() != 'e') {
      items.add(value(depth));
    }
    at++;
    return new BList(items);
  }

  private BDict dict(int depth) {
    checkDepth(depth);
    at++;
    TreeMap<BString, BValue> entries = new TreeMap<>();
    BString last = null;
    while (peek() != 'e') {
      int keyAt = at;
      int c = peek();
      if (c < '0' || c > '9') {
        throw fail("a dictionary key must be a string, not " + describe(c));
      }
      if (++items > limits.maxItems()) {
        throw fail("more than " + limits.maxItems() + " values");
      }
      BString key = string();
      if (entries.containsKey(key)) {
        throw fail(keyAt, "key " + key + " appears twice");
      }
      if (canonical && last != null && last.compareTo(key) > 0) {
        throw fail(keyAt, "key " + key + " is out of order (after " + last + ")");
      }
      last = key;
      entries.put(key, value(depth));
    }
    at++;
    return BDict.wrap(entries);
  }

  private void checkDepth(int depth) {
    if (depth > limits.maxDepth()) {
      throw fail("nested deeper than " + limits.maxDepth());
    }
  }

  private int peek() {
    if (at >= in.length) {
      throw fail("the input ends inside a value");
    }
    return in[at] & 0xff;
  }

  private int next() {
    int c = peek();
    at++;
    return c;
  }

  private static String describe(int c) {
    return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
  }

  private BencodeException fail(String reason) {
    return fail(at, reason);
  }

  private static BencodeException fail(int offset, String reason) {
    return new BencodeException(offset, reason);
  }
}
