package dev.ferry.swarm.discovery;

import dev.ferry.spi.Clock;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link LocalDiscovery} runs.
 *
 * @param clock the time announces are scheduled by; a test's clock that jumps wakes the announcer
 * @param restriction which peers are reported (DORestrictPeerSelectionBy); {@link
 *     PeerRestriction#SUBNET} by default
 * @param groups the multicast groups used, both by default
 */
public record DiscoverySettings(Clock clock, PeerRestriction restriction, Set<LsdGroup> groups) {
  public DiscoverySettings {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(restriction, "restriction");
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("no multicast group");
    }
    groups = Set.copyOf(groups);
  }

  /** The system clock, peers of this host's subnets only, IPv4 and IPv6. */
  public static DiscoverySettings defaults() {
    return new DiscoverySettings(
        Clock.SYSTEM, PeerRestriction.SUBNET, EnumSet.allOf(LsdGroup.class));
  }

  public DiscoverySettings withClock(Clock c) {
    return new DiscoverySettings(c, restriction, groups);
  }

  public DiscoverySettings withRestriction(PeerRestriction r) {
    return new DiscoverySettings(clock, r, groups);
  }

  public DiscoverySettings withGroups(Set<LsdGroup> g) {
    return new DiscoverySettings(clock, restriction, g);
  }
}
