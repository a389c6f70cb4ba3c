package dev.ferry.swarm.session;

/**
 * A {@link Swarm}'s counters since it started, over every torrent it has had.
 *
 * @param bytesDownloaded payload of pieces that passed their check
 * @param bytesUploaded payload sent to peers
 * @param connections peer connections open now
 * @param rejectedBytes payload of pieces that failed their check, discarded
 */
public record SwarmTotals(
    long bytesDownloaded, long bytesUploaded, int connections, long rejectedBytes) {}
