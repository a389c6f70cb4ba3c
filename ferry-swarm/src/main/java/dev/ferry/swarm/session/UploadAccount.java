package dev.ferry.swarm.session;

/**
 * Where what a swarm sends to peers is counted and may be refused: a daemon that keeps a monthly
 * upload cap (DO's DOMonthlyUploadDataCap) stops serving once it is reached. The swarm asks {@link
 * #mayUpload} before it serves a block and tells {@link #uploaded} after; both are called on
 * connection threads, often, and must be quick.
 */
public interface UploadAccount {
  /** Counts nothing and refuses nothing. */
  UploadAccount NONE =
      new UploadAccount() {
        @Override
        public boolean mayUpload() {
          return true;
        }

        @Override
        public void uploaded(long bytes) {}
      };

  /** Whether blocks may be sent to peers now. */
  boolean mayUpload();

  /** {@code bytes} of payload were sent to a peer. */
  void uploaded(long bytes);
}
