package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.engine.piece.SpanSet;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.Source;
import dev.ferry.spi.TransferFailure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /**
   * Of each unverified piece, the bytes that bodies verified against the file's check wrote in this
   * run ({@link dev.ferry.spi.SourceResponse#verifiedAgainst}). A piece they cover in full needs no
   * second check; one that also has other bytes, or bytes of an earlier run, does.
   */
  private final Map<Integer, SpanSet> vouched = new HashMap<>();

  /** The unverified pieces that a body not verified by its source wrote into in this run. */
  private final Set<Integer> unvouched = new HashSet<>();

  PieceVerifier(TransferContext transfer, FileSink sink) {
    this.transfer = transfer;
    this.sink = sink;
  }

  /** Whether pieces are checked at all (the file has piece hashes). */
  boolean active() {
    return transfer.state().check() != null;
  }

  /**
   * Notes that {@code source} wrote the remote bytes {@code part}, for the blame, and whether its
   * body was {@code verified} against the file's check already; while active.
   */
  synchronized void wrote(Source source, Span part, PieceMap geometry, boolean verified) {
    for (int p = geometry.pieceOf(part.start()); p <= geometry.pieceOf(part.end() - 1); p++) {
      List<Source> sent = senders.computeIfAbsent(p, k -> new ArrayList<>(1));
      if (!sent.contains(source)) {
        sent.add(source);
      }
      if (verified) {
        vouched.computeIfAbsent(p, k -> new SpanSet()).add(part.intersect(geometry.pieceSpan(p)));
      } else {
        unvouched.add(p);
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
      if (vouchedInFull(piece, span) && transform == null) {
        accepted(piece, state);
        continue;
      }
      ByteBuffer content = sink.read(span);
      if (transform != null) {
        // The hashes are of the bytes the server sent, before decryption.
        transform.apply(content.array(), 0, content.position(), span.start());
      }
      content.flip();
      if (check.matches(piece, content)) {
        accepted(piece, state);
        continue;
      }
      state.reject(piece);
      blame(piece, sendersOf(piece));
    }
  }

  private void accepted(int piece, FileState state) {
    state.accept(piece);
    state.accepted(piece);
    for (Source source : sendersOf(piece)) {
      transfer.events().pieceVerified(transfer.file(), piece, source.kind());
    }
  }

  /**
   * Whether bodies verified by their sources wrote all of the piece in this run, and nothing else
   * did; forgets what was noted of the piece either way, as it is checked now.
   */
  private synchronized boolean vouchedInFull(int piece, Span span) {
    SpanSet verified = vouched.remove(piece);
    boolean other = unvouched.remove(piece);
    return !other && verified != null && verified.overlap(span) == span.length();
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
