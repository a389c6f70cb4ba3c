package dev.ferry.swarm.tracker;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A tracker's answer to an announce.
 *
 * @param interval how long to wait before the next regular announce
 * @param minInterval the least time between any two announces, where the tracker says
 * @param peers the peers it gave, IPv4 and IPv6 alike, possibly including this node itself
 * @param seeders peers that have everything, where the tracker says
 * @param leechers peers still downloading, where the tracker says
 * @param warning a message the tracker sent along with a successful answer
 */
public record AnnounceResponse(
    Duration interval,
    Optional<Duration> minInterval,
    List<InetSocketAddress> peers,
    OptionalInt seeders,
    OptionalInt leechers,
    Optional<String> warning) {
  public AnnounceResponse {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(minInterval, "minInterval");
    Objects.requireNonNull(seeders, "seeders");
    Objects.requireNonNull(leechers, "leechers");
    Objects.requireNonNull(warning, "warning");
    peers = List.copyOf(peers);
  }
}
