package dev.ferry.swarm.session;

import dev.ferry.spi.SourceKind;

/**
 * Where what a swarm sends to peers is counted, by kind of peer, and may be refused: a daemon that
 * keeps a monthly upload cap (DO's DOMonthlyUploadDataCap, which counts Internet peers only) stops
 * serving those once it is reached. The swarm asks {@link #mayUpload} before it serves a block and
 * tells {@link #uploaded} after; both are called on connection threads, often, and must be quick.
 */
public interface UploadAccount {
  /** Counts nothing and refuses nothing. */
  UploadAccount NONE =
      new UploadAccount() {
        @Override
        public boolean mayUpload(SourceKind peer) {
          return true;
        }

        @Override
        public void uploaded(SourceKind peer, long bytes) {}
      };

  /** Whether blocks may be sent to peers of {@code peer}'s kind now. */
  boolean mayUpload(SourceKind peer);

  /**
   * {@code bytes} of payload were sent to a peer of kind {@code peer} (one of {@link
   * SourceKind#PEERS}).
   */
  void uploaded(SourceKind peer, long bytes);
}
