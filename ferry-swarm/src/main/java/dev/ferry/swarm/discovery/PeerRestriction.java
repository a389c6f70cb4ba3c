package dev.ferry.swarm.discovery;

import java.net.InetAddress;

/**
 * Which discovered peers are kept: Delivery Optimization's DORestrictPeerSelectionBy, of which
 * Ferry has the first two values (2, DNS-SD local discovery, is another mechanism).
 */
public enum PeerRestriction {
  /** 0: every peer that announces. */
  NONE,
  /** 1: only peers in a subnet of one of this host's interfaces ({@link LocalSubnets}). */
  SUBNET;

  /** Whether a peer at {@code address} is kept, given this host's {@code subnets}. */
  public boolean allows(LocalSubnets subnets, InetAddress address) {
    return this == NONE || subnets.contains(address);
  }
}
