package dev.ferry.rest;

/**
 * The items of GET {@link Routes#CACHE}: a completed download ferryd keeps for peers (DO's cache).
 *
 * @param infoHash the content's BitTorrent v2 info-hash (64 hex digits)
 * @param name the name of the file it was copied from
 * @param size its size in bytes
 * @param owner the uid of the user whose download it came from
 * @param added when it was kept (ISO-8601)
 * @param lastServed when a peer was last served from it (ISO-8601), or null
 * @param pinned whether it is kept whatever its age and the cache's size
 */
public record CacheView(
    String infoHash,
    String name,
    long size,
    long owner,
    String added,
    String lastServed,
    boolean pinned) {}
