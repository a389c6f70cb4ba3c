/**
 * Content identity: every Ferry node that holds the same bytes derives the same {@link ContentId}
 * (the BEP 52 pieces root) and, at a given piece size, the same torrent and info-hash ({@link
 * CanonicalTorrent}), so nodes meet in one swarm without asking anyone which.
 */
package dev.ferry.swarm.content;
