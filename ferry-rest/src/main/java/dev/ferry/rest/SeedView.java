package dev.ferry.rest;

/**
 * The items of GET {@link Routes#SEEDS}, and the answer to its POST: a local file ferryd offers to
 * peers.
 *
 * @param infoHash the content's BitTorrent v2 info-hash (64 hex digits)
 * @param contentId the content id: the file's BEP 52 pieces root (64 hex digits)
 * @param magnet the magnet link peers and {@code ferry get} reach it by
 * @param path the file offered
 * @param size its size in bytes
 * @param pieceSize the torrent's piece size
 * @param torrent the torrent peers share it by, base64 (what {@code ferry get --torrent} takes)
 * @param peers peers connected for this content now
 * @param bytesUploaded bytes of it sent to peers since ferryd started
 */
public record SeedView(
    String infoHash,
    String contentId,
    String magnet,
    String path,
    long size,
    int pieceSize,
    String torrent,
    int peers,
    long bytesUploaded) {}
