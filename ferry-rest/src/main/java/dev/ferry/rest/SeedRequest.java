package dev.ferry.rest;

/**
 * The body of POST {@link Routes#SEEDS}: offer a local file to peers.
 *
 * @param path the file, an absolute path the caller owns
 * @param torrent the content description to offer it by (a single-file v2 torrent, base64), or null
 *     for ferryd to hash the file into the canonical torrent of its content
 * @param pieceSize the piece size of that canonical torrent (a power of two of at least 16 KiB), or
 *     0 for 1 MiB; ignored with a torrent
 */
public record SeedRequest(String path, String torrent, int pieceSize) {}
