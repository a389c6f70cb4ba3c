package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.Source;
import dev.ferry.spi.TransferFailure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks pieces written in full against their hashes before they count as done, and blames a piece
 * that fails on the sources that sent its bytes: a strike for each source the planner may avoid
 * ({@link SourcePlanner#strike}), which fetches the piece again elsewhere; the origin, the last
 * resort, is asked again, and a piece it keeps sending wrong ends the transfer.
 */
final class PieceVerifier {
  /** A piece that fails its hash this many times in one run is not a glitch: the source is bad. */
  private static final int MAX_REJECTIONS_PER_PIECE = 3;

  private final TransferContext transfer;
  private final FileSink sink;

  /** The origin's rejections of each piece. */
  private final Map<Integer, Integer> rejections = new HashMap<>();

  /** The sources that wrote bytes into each unverified piece, while pieces are checked. */
  private final Map<Integer, List<Source>> senders = new HashMap<>();

  PieceVerifier(TransferContext transfer, FileSink sink) {
    this.transfer = transfer;
    this.sink = sink;
  }

  /** Whether pieces are checked at all (the file has piece hashes). */
  boolean active() {
    return transfer.state().check() != null;
  }

  /** Notes that {@code source} wrote the remote bytes {@code part}, for the blame; while active. */
  synchronized void wrote(Source source, Span part, PieceMap geometry) {
    for (int p = geometry.pieceOf(part.start()); p <= geometry.pieceOf(part.end() - 1); p++) {
      List<Source> sent = senders.computeIfAbsent(p, k -> new ArrayList<>(1));
      if (!sent.contains(source)) {
        sent.add(source);
      }
    }
  }

  /**
   * Checks the pieces just written in full, reading them back from the file (the page cache still
   * holds them). A piece that fails is forgotten, so the gap search fetches it again.
   */
  void verifyFilled(PieceMap geometry) throws TransferFailure {
    FileState state = transfer.state();
    PieceCheck check = state.check();
    if (check == null) {
      return;
    }
    ContentTransform transform = transfer.settings().transform();
    for (int piece : state.takeFilled()) {
      Span span = geometry.pieceSpan(piece);
      ByteBuffer content = sink.read(span);
      if (transform != null) {
        // The hashes are of the bytes the server sent, before decryption.
        transform.apply(content.array(), 0, content.position(), span.start());
      }
      content.flip();
      List<Source> sent = sendersOf(piece);
      if (check.matches(piece, content)) {
        state.accept(piece);
        for (Source source : sent) {
          transfer.events().pieceVerified(transfer.file(), piece, source.kind());
        }
        continue;
      }
      state.reject(piece);
      blame(piece, sent);
    }
  }

  /** Who sent the piece's bytes: the origin where none was noted (bytes of an earlier run). */
  private synchronized List<Source> sendersOf(int piece) {
    List<Source> sent = senders.remove(piece);
    return sent == null ? List.of(transfer.planner().origin()) : sent;
  }

  private void blame(int piece, List<Source> sent) throws TransferFailure {
    SourcePlanner planner = transfer.planner();
    boolean fromOrigin = false;
    for (Source source : sent) {
      transfer.events().pieceRejected(transfer.file(), piece, source.kind());
      if (planner.isOrigin(source)) {
        fromOrigin = true;
      } else {
        planner.strike(source, piece);
      }
    }
    if (!fromOrigin) {
      return;
    }
    int failures;
    synchronized (this) {
      failures = rejections.merge(piece, 1, Integer::sum);
    }
    if (failures >= MAX_REJECTIONS_PER_PIECE) {
      throw TransferFailure.fatal(
          HResult.BG_E_VALIDATION_FAILED,
          ErrorContext.REMOTE_FILE,
          planner.origin().protocol(),
          "piece "
              + piece
              + " failed its integrity check "
              + failures
              + " times; the source keeps sending wrong bytes");
    }
  }
}
