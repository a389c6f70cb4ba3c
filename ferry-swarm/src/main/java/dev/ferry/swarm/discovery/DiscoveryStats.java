package dev.ferry.swarm.discovery;

/**
 * What a {@link LocalDiscovery} has done since it started.
 *
 * @param sent datagrams sent, to every group on every interface
 * @param received datagrams received, this node's own included
 * @param own this node's own announces, recognised by their cookie and dropped
 * @param refused datagrams that were not an announce Ferry accepts
 * @param outsideSubnet announces dropped because the sender was not in a local subnet
 * @param reported peers reported to the listener, one for each key of each announce
 */
public record DiscoveryStats(
    long sent, long received, long own, long refused, long outsideSubnet, long reported) {}
