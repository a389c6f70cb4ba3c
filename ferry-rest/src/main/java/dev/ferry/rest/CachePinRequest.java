package dev.ferry.rest;

/**
 * The body of PUT {@link Routes#CACHE_ENTRY}.
 *
 * @param pinned whether the entry is kept whatever its age and the cache's size
 */
public record CachePinRequest(boolean pinned) {}
