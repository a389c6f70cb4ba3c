package dev.ferry.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A way for {@link TestOrigin} to misbehave when answering one request. Create them with the static
 * factories; the records are public so that test output names the fault that was active.
 *
 * <p>Faults that shape a body (everything except {@link Status} and {@link Redirect}) need content
 * at the path; without it the request gets the ordinary 404.
 */
public sealed interface Fault {

  /** Responds with {@code code} and a short text body instead of the content. */
  static Fault status(int code) {
    return new Status(code, Map.of());
  }

  /** Like {@link #status(int)}, adding {@code headers} (for example {@code Retry-After}). */
  static Fault status(int code, Map<String, String> headers) {
    return new Status(code, headers);
  }

  /**
   * Sends the headers and at most {@code bodyBytes} of the body, then resets the connection (TCP
   * RST), so the client sees an error rather than an end of stream. The bytes get a moment to reach
   * a client that is reading before the reset, so such a client receives all of them.
   */
  static Fault resetAfter(long bodyBytes) {
    return new ResetAfter(bodyBytes);
  }

  /**
   * Sends the headers, with the Content-Length the body would have, then nothing for {@code
   * duration} or until the client goes away, then resets the connection.
   */
  static Fault stall(Duration duration) {
    return new Stall(duration);
  }

  /** Serves the normal response, paced to about {@code bytesPerSecond}. */
  static Fault throttle(long bytesPerSecond) {
    return new Throttle(bytesPerSecond);
  }

  /** Answers 200 with the whole body even when a satisfiable Range was asked for. */
  static Fault ignoreRange() {
    return new IgnoreRange();
  }

  /**
   * Serves the normal response (200, 206 or 416) without Content-Length: chunked on a persistent
   * HTTP/1.1 connection, delimited by closing the connection when the client asked to close it.
   */
  static Fault noContentLength() {
    return new NoContentLength();
  }

  /**
   * Announces the real Content-Length but sends {@code missing} bytes fewer, then closes the
   * connection cleanly (FIN), so the client sees a premature end of stream.
   */
  static Fault shortBody(long missing) {
    return new ShortBody(missing);
  }

  /**
   * Sends the announced body followed by {@code extra} bytes of {@code 'X'} straight onto the
   * socket, then closes the connection; a strict client sees garbage after the response.
   */
  static Fault longBody(long extra) {
    return new LongBody(extra);
  }

  /**
   * Answers 206 for the range asked (the whole content if none was) but starting one byte later,
   * with a Content-Range and body that agree with each other. Where one byte later would leave the
   * content, the range starts one byte earlier instead.
   */
  static Fault wrongContentRange() {
    return new WrongContentRange();
  }

  /** Answers {@code status} (a 3xx) with {@code Location: location}, sent as given. */
  static Fault redirect(String location, int status) {
    return new Redirect(location, status);
  }

  /**
   * Serves the normal response but with the ETag and Last-Modified that replacing the content would
   * produce, as if the remote changed just before answering. Range and If-Range are still judged
   * against the real validators.
   */
  static Fault changeEtag() {
    return new ChangeEtag();
  }

  /**
   * Honours Range but not If-Range, as servers that never implemented If-Range do: a resumed
   * request gets the bytes it asked for of whatever the content is now, under the current
   * validators.
   */
  static Fault ignoreIfRange() {
    return new IgnoreIfRange();
  }

  /**
   * Serves the normal response without an ETag, so Last-Modified is the only validator, as static
   * file servers configured without entity tags answer. If-Range with an entity tag never matches.
   */
  static Fault noEtag() {
    return new NoEtag();
  }

  /**
   * Answers 416 with {@code Content-Range: bytes *}{@code /SIZE} (the real size) whatever was
   * asked, as a server that refuses a range it could have served.
   */
  static Fault rangeNotSatisfiable() {
    return new RangeNotSatisfiable();
  }

  /**
   * Serves the normal response (200, 206 or 416) but with {@code Content-Range: value}, sent as
   * given, so the header disagrees with the body it describes.
   */
  static Fault contentRange(String value) {
    return new ContentRange(value);
  }

  /** See {@link #status(int, Map)}. */
  record Status(int code, Map<String, String> headers) implements Fault {
    public Status {
      if (code < 200 || code > 599) {
        throw new IllegalArgumentException("final status expected, got " + code);
      }
      headers = Map.copyOf(headers);
    }
  }

  /** See {@link #resetAfter(long)}. */
  record ResetAfter(long bodyBytes) implements Fault {
    public ResetAfter {
      requireNonNegative(bodyBytes, "bodyBytes");
    }
  }

  /** See {@link #stall(Duration)}. */
  record Stall(Duration duration) implements Fault {
    public Stall {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("negative duration " + duration);
      }
    }
  }

  /** See {@link #throttle(long)}. */
  record Throttle(long bytesPerSecond) implements Fault {
    public Throttle {
      requirePositive(bytesPerSecond, "bytesPerSecond");
    }
  }

  /** See {@link #ignoreRange()}. */
  record IgnoreRange() implements Fault {}

  /** See {@link #noContentLength()}. */
  record NoContentLength() implements Fault {}

  /** See {@link #shortBody(long)}. */
  record ShortBody(long missing) implements Fault {
    public ShortBody {
      requirePositive(missing, "missing");
    }
  }

  /** See {@link #longBody(long)}. */
  record LongBody(long extra) implements Fault {
    public LongBody {
      requirePositive(extra, "extra");
    }
  }

  /** See {@link #wrongContentRange()}. */
  record WrongContentRange() implements Fault {}

  /** See {@link #redirect(String, int)}. */
  record Redirect(String location, int status) implements Fault {
    public Redirect {
      Objects.requireNonNull(location, "location");
      if (status < 300 || status > 399) {
        throw new IllegalArgumentException("redirect status expected, got " + status);
      }
    }
  }

  /** See {@link #changeEtag()}. */
  record ChangeEtag() implements Fault {}

  /** See {@link #ignoreIfRange()}. */
  record IgnoreIfRange() implements Fault {}

  /** See {@link #noEtag()}. */
  record NoEtag() implements Fault {}

  /** See {@link #rangeNotSatisfiable()}. */
  record RangeNotSatisfiable() implements Fault {}

  /** See {@link #contentRange(String)}. */
  record ContentRange(String value) implements Fault {
    public ContentRange {
      Objects.requireNonNull(value, "value");
    }
  }

  private static void requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
