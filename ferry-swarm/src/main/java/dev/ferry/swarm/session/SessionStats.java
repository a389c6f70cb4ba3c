package dev.ferry.swarm.session;

import dev.ferry.spi.SourceKind;
import java.util.Map;

/**
 * One torrent's counters.
 *
 * @param bytesDownloaded payload of pieces that passed their check
 * @param uploadedTo payload sent to peers, by kind of peer (one of {@link SourceKind#PEERS})
 * @param rejectedBytes payload of pieces that failed their check, discarded
 * @param piecesRejected how many pieces failed their check
 * @param peersConnected peers connected now
 * @param peersBanned peers banned for bad data
 * @param peersSeen distinct peers (by peer id) that completed a handshake
 */
public record SessionStats(
    long bytesDownloaded,
    Map<SourceKind, Long> uploadedTo,
    long rejectedBytes,
    long piecesRejected,
    int peersConnected,
    int peersBanned,
    int peersSeen) {
  public SessionStats {
    uploadedTo = Map.copyOf(uploadedTo);
  }

  /** Payload sent to peers of every kind. */
  public long bytesUploaded() {
    return uploadedTo.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Payload sent to peers of {@code kind}. */
  public long uploaded(SourceKind kind) {
    return uploadedTo.getOrDefault(kind, 0L);
  }
}
