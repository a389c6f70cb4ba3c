package dev.ferry.swarm.tracker;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on talking to trackers.
 *
 * @param connectTimeout how long an HTTP connection may take to open
 * @param readTimeout how long an HTTP tracker may stay silent
 * @param announceTimeout how long a whole HTTP announce may take: a tracker that drips its answer a
 *     byte at a time stays within the read timeout and is cut off here
 * @param maxResponseBytes the most bytes of an HTTP answer read; more fails the announce
 * @param udpTimeoutBase BEP 15's 15 seconds: a UDP request unanswered after {@code base * 2^n} is
 *     sent again (n from 0); tests make it small
 * @param udpMaxRetransmissions BEP 15's 8: after this many retransmissions the announce fails
 * @param clock where deadlines and the UDP connection id's minute are read
 */
public record TrackerSettings(
    Duration connectTimeout,
    Duration readTimeout,
    Duration announceTimeout,
    int maxResponseBytes,
    Duration udpTimeoutBase,
    int udpMaxRetransmissions,
    Clock clock) {
  /** Generous for an answer of a few hundred peers, which takes a few kilobytes. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;

  public TrackerSettings {
    Objects.requireNonNull(clock, "clock");
    if (connectTimeout.isNegative()
        || connectTimeout.isZero()
        || readTimeout.isNegative()
        || readTimeout.isZero()
        || announceTimeout.isNegative()
        || announceTimeout.isZero()
        || udpTimeoutBase.isNegative()
        || udpTimeoutBase.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (maxResponseBytes < 1 || udpMaxRetransmissions < 0 || udpMaxRetransmissions > 16) {
      throw new IllegalArgumentException("bad response bound or retransmission count");
    }
  }

  /** BEP 15's retransmissions and HTTP bounds that suit public trackers, on the system clock. */
  public static TrackerSettings defaults() {
    return new TrackerSettings(
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        DEFAULT_MAX_RESPONSE_BYTES,
        Duration.ofSeconds(15),
        8,
        Clock.SYSTEM);
  }

  public TrackerSettings withClock(Clock other) {
    return new TrackerSettings(
        connectTimeout,
        readTimeout,
        announceTimeout,
        maxResponseBytes,
        udpTimeoutBase,
        udpMaxRetransmissions,
        other);
  }

  public TrackerSettings withUdpRetransmission(Duration base, int maxRetransmissions) {
    return new TrackerSettings(
        connectTimeout,
        readTimeout,
        announceTimeout,
        maxResponseBytes,
        base,
        maxRetransmissions,
        clock);
  }

  public TrackerSettings withMaxResponseBytes(int bytes) {
    return new TrackerSettings(
        connectTimeout,
        readTimeout,
        announceTimeout,
        bytes,
        udpTimeoutBase,
        udpMaxRetransmissions,
        clock);
  }

  public TrackerSettings withHttpTimeouts(Duration connect, Duration read, Duration announce) {
    return new TrackerSettings(
        connect, read, announce, maxResponseBytes, udpTimeoutBase, udpMaxRetransmissions, clock);
  }
}
