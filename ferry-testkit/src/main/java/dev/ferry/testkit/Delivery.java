package dev.ferry.testkit;

import java.time.Duration;

/**
 * How a reply travels: at most {@code limit} body bytes, paced to {@code bytesPerSecond} when
 * positive, then a {@code pause}, then {@code garbage} bytes past the framing, then the {@code
 * ending}. Body-shaping faults are all points in this space, which keeps the writer free of
 * per-fault branches.
 */
record Delivery(long limit, long bytesPerSecond, Duration pause, long garbage, Ending ending) {

  /** How the exchange finishes once the bytes are out. */
  enum Ending {
    /** The response ends properly and the connection may be reused. */
    COMPLETE,
    /** The connection is reset (RST), as by a crashed peer or a middlebox. */
    RESET,
    /** The connection is closed (FIN), as by a peer that gave up mid-body. */
    CLOSE
  }

  static final Delivery NORMAL = new Delivery(Long.MAX_VALUE, 0, Duration.ZERO, 0, Ending.COMPLETE);

  /** The delivery {@code fault} (possibly null) calls for, for a body of {@code bodyLength}. */
  static Delivery of(Fault fault, long bodyLength) {
    return switch (fault) {
      case Fault.ResetAfter f -> new Delivery(f.bodyBytes(), 0, Duration.ZERO, 0, Ending.RESET);
      case Fault.Stall f -> new Delivery(0, 0, f.duration(), 0, Ending.RESET);
      case Fault.Throttle f ->
          new Delivery(Long.MAX_VALUE, f.bytesPerSecond(), Duration.ZERO, 0, Ending.COMPLETE);
      case Fault.ShortBody f ->
          new Delivery(Math.max(0, bodyLength - f.missing()), 0, Duration.ZERO, 0, Ending.CLOSE);
      case Fault.LongBody f ->
          new Delivery(Long.MAX_VALUE, 0, Duration.ZERO, f.extra(), Ending.CLOSE);
      case null, default -> NORMAL;
    };
  }
}
