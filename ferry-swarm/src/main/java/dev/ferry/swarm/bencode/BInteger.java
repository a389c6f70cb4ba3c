package dev.ferry.swarm.bencode;

/**
 * A bencoded integer. Bencode puts no bound on integers; Ferry takes those that fit 64 bits (every
 * length and count in a torrent does) and refuses larger ones rather than carrying big numbers.
 */
public record BInteger(long value) implements BValue {}
