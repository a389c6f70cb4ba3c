package dev.ferry.swarm.tracker;

import dev.ferry.spi.Clock;
import dev.ferry.swarm.wire.PeerId;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Announcer} announces.
 *
 * @param peerId this node's peer id
 * @param port the port peers connect to
 * @param numWant how many peers each announce asks for; -1 leaves it to the tracker
 * @param retryBase the wait after a tracker's first failure, doubled at each further one
 * @param retryMax the longest wait between failures
 * @param intervalFloor the least wait between regular announces, whatever interval a tracker gives
 *     (a tracker saying 0 must not make Ferry announce in a loop)
 * @param stopTimeout how long {@link Announcer#close} waits for the {@code stopped} announces
 * @param clock where every wait reads the time
 */
public record AnnouncerSettings(
    PeerId peerId,
    int port,
    int numWant,
    Duration retryBase,
    Duration retryMax,
    Duration intervalFloor,
    Duration stopTimeout,
    Clock clock) {
  public AnnouncerSettings {
    Objects.requireNonNull(peerId, "peerId");
    Objects.requireNonNull(clock, "clock");
    if (retryBase.isNegative()
        || retryBase.isZero()
        || retryMax.compareTo(retryBase) < 0
        || intervalFloor.isNegative()
        || stopTimeout.isNegative()) {
      throw new IllegalArgumentException("bad waits");
    }
  }

  /** Retries from 15 seconds up to 30 minutes, a floor of a minute, 5 seconds to say goodbye. */
  public static AnnouncerSettings defaults(PeerId peerId, int port, Clock clock) {
    return new AnnouncerSettings(
        peerId,
        port,
        50,
        Duration.ofSeconds(15),
        Duration.ofMinutes(30),
        Duration.ofMinutes(1),
        Duration.ofSeconds(5),
        clock);
  }
}
