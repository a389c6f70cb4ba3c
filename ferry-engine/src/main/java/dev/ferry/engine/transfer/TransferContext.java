package dev.ferry.engine.transfer;

import dev.ferry.spi.Clock;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferEvents;

/**
 * What the parts of one file's transfer share: the file, its state and settings, the planner of its
 * sources, the parts its connections fetch, the stop signal, the job's listener, who hears the
 * transfer's events, and the clock. The file's own statistics ({@code stats}) hear the events they
 * count beside the engine's listener ({@code events}).
 */
record TransferContext(
    FileRef file,
    FileState state,
    FileTransfer.Settings settings,
    SourcePlanner planner,
    Segments segments,
    StopSignal stop,
    TransferListener listener,
    FileStats stats,
    TransferEvents events,
    Clock clock) {

  /** A source answered {@code request} with {@code response}. */
  void opened(Source source, SourceRequest request, SourceResponse response) {
    stats.sourceOpened(source.kind(), response.place());
    events.sourceOpened(file, source.kind(), request.start(), request.end());
  }

  /**
   * The response {@code source} gave is closed: the pieces it threw away as bad count as the file's
   * rejected pieces.
   */
  void closed(Source source, SourceResponse response) {
    int discarded = response.piecesDiscarded();
    for (int i = 0; i < discarded; i++) {
      state.discarded();
      events.pieceRejected(file, -1, source.kind());
    }
    events.sourceClosed(file, source.kind());
  }

  /** {@code bytes} arrived from a source of {@code kind}. */
  void received(SourceKind kind, int bytes) {
    stats.bytesReceived(file, kind, bytes);
    events.bytesReceived(file, kind, bytes);
  }

  /** The transfer ended after {@code activeNanos}. */
  void ended(long activeNanos) {
    stats.transferEnded(file, activeNanos);
    events.transferEnded(file, activeNanos);
  }
}
