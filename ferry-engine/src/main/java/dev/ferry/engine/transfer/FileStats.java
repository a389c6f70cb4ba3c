package dev.ferry.engine.transfer;

import dev.ferry.spi.FileRef;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferEvents;

/**
 * A file's statistics (its {@link FileState}'s counters, which DO's statistics and the store read)
 * built from its transfer's events: bytes and responses by kind of source, and active time.
 */
final class FileStats implements TransferEvents {
  private final FileState state;

  FileStats(FileState state) {
    this.state = state;
  }

  /** A response of {@code kind} opened, from {@code place} (see {@link SourceResponse#place}). */
  void sourceOpened(SourceKind kind, String place) {
    state.opened(kind, place);
  }

  @Override
  public void bytesReceived(FileRef file, SourceKind kind, long bytes) {
    state.received(kind, bytes);
  }

  @Override
  public void transferEnded(FileRef file, long activeNanos) {
    state.addActive(activeNanos / 1_000_000);
  }
}
