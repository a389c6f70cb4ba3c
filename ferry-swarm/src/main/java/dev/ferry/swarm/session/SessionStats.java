package dev.ferry.swarm.session;

/**
 * One torrent's counters.
 *
 * @param bytesDownloaded payload of pieces that passed their check
 * @param bytesUploaded payload sent to peers
 * @param rejectedBytes payload of pieces that failed their check, discarded
 * @param piecesRejected how many pieces failed their check
 * @param peersConnected peers connected now
 * @param peersBanned peers banned for bad data
 * @param peersSeen distinct peers (by peer id) that completed a handshake
 */
public record SessionStats(
    long bytesDownloaded,
    long bytesUploaded,
    long rejectedBytes,
    long piecesRejected,
    int peersConnected,
    int peersBanned,
    int peersSeen) {}
