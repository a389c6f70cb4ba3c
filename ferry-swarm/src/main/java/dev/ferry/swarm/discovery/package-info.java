/**
 * Peers on the local network with no server: BEP 14's Local Service Discovery, which Delivery
 * Optimization's LAN mode (DownloadMode 1) stands for in Ferry and which libtorrent speaks too. A
 * {@link dev.ferry.swarm.discovery.LocalDiscovery} announces {@link
 * dev.ferry.swarm.content.SwarmKey}s over UDP multicast and reports the peers that announce them;
 * {@link dev.ferry.swarm.discovery.LsdCodec} reads and writes its datagrams and {@link
 * dev.ferry.swarm.discovery.LocalSubnets} says which addresses are this host's neighbours
 * (DORestrictPeerSelectionBy).
 */
package dev.ferry.swarm.discovery;
