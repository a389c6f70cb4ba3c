package dev.ferry.swarm.cache;

import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.torrent.SingleFileTorrent;

/**
 * A cached entry as a swarm serves it: its torrent, and its pieces, each checked against the
 * torrent's piece layer as it is read ({@code Swarm.add(torrent(), pieces())}).
 */
public record CachedContent(CacheEntry entry, SingleFileTorrent torrent, LocalPieces pieces) {}
