package dev.ferry.engine.transfer;

import dev.ferry.spi.Source;
import java.net.URI;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sets of pieces a file's sources other than its origin answer for, as {@link SourcePlanner}
 * asks for them: the runs they hold or would send now (from {@link OtherSource#heldEnd} and {@link
 * OtherSource#servableEnd}), and the unions of what they say of pieces ({@link Source#ready},
 * {@link Source#promised}). Not thread-safe: the planner calls it under its lock, with its clock's
 * time.
 */
final class OthersPieces {
  private static final Logger log = LoggerFactory.getLogger(OthersPieces.class);

  /** What a question about pieces asks a source: {@link Source#ready}, {@link Source#promised}. */
  interface Question {
    BitSet ask(Source source, URI uri, long fileSize, int pieceSize);
  }

  private final List<OtherSource> others;
  private final URI uri;

  OthersPieces(List<OtherSource> others, URI uri) {
    this.others = others;
    this.uri = uri;
  }

  /**
   * The whole pieces some other source holds ({@code held}) or would send now, not banned, not
   * blamed for the piece; a run ending inside a piece does not count that piece.
   */
  BitSet runs(long fileSize, int pieceSize, boolean held, long now) {
    BitSet pieces = new BitSet();
    if (fileSize <= 0 || pieceSize <= 0) {
      return pieces;
    }
    int pieceCount = (int) ((fileSize + pieceSize - 1) / pieceSize);
    for (OtherSource candidate : others) {
      int piece = 0;
      while (piece < pieceCount) {
        long start = (long) piece * pieceSize;
        long until =
            held
                ? candidate.heldEnd(start, fileSize, pieceSize, now)
                : candidate.servableEnd(start, fileSize, pieceSize, now);
        if (until <= start) {
          piece++;
          continue;
        }
        int end = until >= fileSize ? pieceCount : (int) (until / pieceSize);
        if (end > piece) {
          pieces.set(piece, end);
        }
        piece = Math.max(end, piece + 1);
      }
    }
    return pieces;
  }

  /**
   * The union of {@code question}'s answers from the other sources not banned at {@code now}; one
   * that fails to answer is logged ({@code what} it failed to say) and counts for none.
   */
  BitSet union(long fileSize, int pieceSize, Question question, String what, long now) {
    BitSet union = new BitSet();
    if (fileSize <= 0 || pieceSize <= 0) {
      return union;
    }
    for (OtherSource candidate : others) {
      if (candidate.bannedAt(now)) {
        continue;
      }
      try {
        union.or(question.ask(candidate.source, uri, fileSize, pieceSize));
      } catch (RuntimeException e) {
        log.warn("source {} failed to say what it {} of {}", candidate.source, what, uri, e);
      }
    }
    return union;
  }
}
