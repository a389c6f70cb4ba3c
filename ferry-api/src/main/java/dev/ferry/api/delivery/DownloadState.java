package dev.ferry.api.delivery;

/** DODownloadState, with its documented values. */
public enum DownloadState {
  /** Not started yet. */
  CREATED(0),
  /** Bytes are being fetched, or the download waits its turn in the queue. */
  TRANSFERRING(1),
  /** Every requested byte is in place; a later start may fetch another part of the file. */
  TRANSFERRED(2),
  /** Closed: the file is in place and the download cannot be restarted. */
  FINALIZED(3),
  /** Aborted: what the download wrote is gone. */
  ABORTED(4),
  /** Paused by the caller, or by an error (see {@link DownloadStatus}). */
  PAUSED(5);

  private final int value;

  DownloadState(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** The name Microsoft's agent uses in its REST replies ({@code Transferring}, …). */
  public String displayName() {
    String name = name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  public boolean isFinal() {
    return this == FINALIZED || this == ABORTED;
  }

  public static DownloadState of(int value) {
    for (DownloadState state : values()) {
      if (state.value == value) {
        return state;
      }
    }
    throw new IllegalArgumentException("no DODownloadState " + value);
  }
}
