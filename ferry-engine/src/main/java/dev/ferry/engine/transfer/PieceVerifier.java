package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.spi.Source;
import dev.ferry.spi.TransferFailure;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks pieces written in full against their hashes before they count as done, reading them back
 * from the file. A piece that fails is fetched again; one that keeps failing ends the transfer.
 */
final class PieceVerifier {
  /** A piece that fails its hash this many times in one run is not a glitch: the source is bad. */
  private static final int MAX_REJECTIONS_PER_PIECE = 3;

  private final TransferContext transfer;
  private final FileSink sink;
  private final Map<Integer, Integer> rejections = new HashMap<>();

  PieceVerifier(TransferContext transfer, FileSink sink) {
    this.transfer = transfer;
    this.sink = sink;
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
    Source source = transfer.source();
    for (int piece : state.takeFilled()) {
      Span span = geometry.pieceSpan(piece);
      ByteBuffer content = sink.read(span);
      if (transform != null) {
        // The hashes are of the bytes the server sent, before decryption.
        transform.apply(content.array(), 0, content.position(), span.start());
      }
      content.flip();
      if (check.matches(piece, content)) {
        state.accept(piece);
        transfer.events().pieceVerified(transfer.file(), piece, source.kind());
        continue;
      }
      state.reject(piece);
      transfer.events().pieceRejected(transfer.file(), piece, source.kind());
      int failures;
      synchronized (this) {
        failures = rejections.merge(piece, 1, Integer::sum);
      }
      if (failures >= MAX_REJECTIONS_PER_PIECE) {
        throw TransferFailure.fatal(
            HResult.BG_E_VALIDATION_FAILED,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            "piece "
                + piece
                + " failed its integrity check "
                + failures
                + " times; the source keeps sending wrong bytes");
      }
    }
  }
}
