package dev.ferry.testkit;

import java.time.Duration;

/**
 * How {@link FaultProxy} mistreats the bytes a server sends back on one connection. Offsets count
 * every byte of that direction of the connection (status line, headers, body, and any later
 * response on the same kept-alive connection, or TLS records), since the proxy does not parse what
 * it forwards. The client's bytes always pass untouched.
 */
public sealed interface ProxyFault {

  /** Forwards everything as it comes. */
  static ProxyFault passThrough() {
    return new PassThrough();
  }

  /**
   * Forwards {@code bytes} bytes, then resets both sides of the connection (TCP RST to the client),
   * as a crashed middlebox would. The forwarded bytes get a moment to reach a reading client first.
   */
  static ProxyFault resetAfter(long bytes) {
    return new ResetAfter(bytes);
  }

  /**
   * Forwards {@code bytes} bytes, then nothing for {@code duration} (or until the client goes away
   * or the proxy closes), then the rest as if nothing had happened.
   */
  static ProxyFault stallAfter(long bytes, Duration duration) {
    return new StallAfter(bytes, duration);
  }

  /** Forwards at most {@code bytes} bytes at a time, pausing {@code every} before each next lot. */
  static ProxyFault drip(int bytes, Duration every) {
    return new Drip(bytes, every);
  }

  /**
   * Forwards {@code bytes} bytes, then closes the connection in an orderly way (FIN), so the client
   * sees an early end of stream.
   */
  static ProxyFault truncateAfter(long bytes) {
    return new TruncateAfter(bytes);
  }

  /** Forwards everything, but with every bit of the byte at {@code offset} inverted. */
  static ProxyFault corruptAt(long offset) {
    return new CorruptAt(offset);
  }

  /** See {@link #passThrough()}. */
  record PassThrough() implements ProxyFault {}

  /** See {@link #resetAfter(long)}. */
  record ResetAfter(long bytes) implements ProxyFault {
    public ResetAfter {
      requireNonNegative(bytes, "bytes");
    }
  }

  /** See {@link #stallAfter(long, Duration)}. */
  record StallAfter(long bytes, Duration duration) implements ProxyFault {
    public StallAfter {
      requireNonNegative(bytes, "bytes");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("negative duration " + duration);
      }
    }
  }

  /** See {@link #drip(int, Duration)}. */
  record Drip(int bytes, Duration every) implements ProxyFault {
    public Drip {
      if (bytes <= 0) {
        throw new IllegalArgumentException("bytes must be positive: " + bytes);
      }
      if (every.isNegative()) {
        throw new IllegalArgumentException("negative interval " + every);
      }
    }
  }

  /** See {@link #truncateAfter(long)}. */
  record TruncateAfter(long bytes) implements ProxyFault {
    public TruncateAfter {
      requireNonNegative(bytes, "bytes");
    }
  }

  /** See {@link #corruptAt(long)}. */
  record CorruptAt(long offset) implements ProxyFault {
    public CorruptAt {
      requireNonNegative(offset, "offset");
    }
  }

  private static void requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
