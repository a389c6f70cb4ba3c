/**
 * The BitTorrent peer wire protocol's codec: the {@link Handshake} (BEP 3, with the BEP 6, BEP 10
 * and BEP 52 reserved bits) and the length-prefixed {@link Message}s of BEP 3, BEP 6, BEP 10 and
 * BEP 52, decoded as bytes arrive by {@link MessageDecoder} within {@link WireLimits} that are
 * checked before anything is allocated. No connection policy (choking, piece picking) lives here.
 */
package dev.ferry.swarm.wire;
