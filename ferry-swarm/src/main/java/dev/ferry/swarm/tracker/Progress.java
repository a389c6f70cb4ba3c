package dev.ferry.swarm.tracker;

/**
 * What a tracker is told of this peer's transfer, in bytes: sent to peers, received from peers
 * (since the {@code started} announce), and still missing (0 for a seed).
 */
public record Progress(long uploaded, long downloaded, long left) {
  public Progress {
    if (uploaded < 0 || downloaded < 0 || left < 0) {
      throw new IllegalArgumentException("byte counts cannot be negative");
    }
  }

  /** A peer that has everything and has sent nothing yet. */
  public static final Progress SEED = new Progress(0, 0, 0);
}
