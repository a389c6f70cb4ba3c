package dev.ferry.swarm.cache;

import dev.ferry.swarm.torrent.InfoHash;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One cached file as {@code ferry do cache} lists it: its id (the v2 info-hash of its torrent), the
 * name of the file it was copied from, its size, the uid of the user whose download it came from,
 * when it was added, when a peer was last served from it, and whether it is pinned (kept whatever
 * its age and the cache's size, though its bytes count toward that size).
 */
public record CacheEntry(
    InfoHash infoHash,
    String name,
    long size,
    long owner,
    Instant added,
    Optional<Instant> lastServed,
    boolean pinned) {

  /** How long it has been in the cache at {@code now}. */
  public Duration age(Instant now) {
    return Duration.between(added, now);
  }

  /** When it last mattered to eviction by size: last served, else added. */
  Instant lastUsed() {
    return lastServed.orElse(added);
  }
}
