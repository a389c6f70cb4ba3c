package dev.ferry.engine.transfer;

import dev.ferry.engine.piece.Span;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The order in which a connection of a file shared with other sources (peers) looks for work: the
 * parts other sources offer, while one of them can take a request; then the pieces the origin is
 * asked for ({@link OriginPick}), of those no other source offers or is promised; then, only where
 * the caller falls back (the other sources fall behind the origin, {@link OthersPace}), every
 * missing span from a place drawn once for the transfer, wrapping around: the origin then fetches
 * what they offer rather than wait on them.
 */
final class ClaimOrder {
  private ClaimOrder() {}

  /**
   * @param uncovered the missing spans no connection is fetching, in order
   * @param gaps every missing span, in order
   * @param offered the pieces other sources offer now
   * @param promised the pieces other sources expect to offer: other machines fetch them from the
   *     origin ({@link dev.ferry.spi.Source#promised}); the origin is not asked for them here
   * @param othersHaveRoom whether another source can take a request now
   * @param draw see {@link OriginPick#choose}
   * @param last see {@link OriginPick#choose}
   * @param fallback whether every gap follows, for the origin to take what others offer
   */
  static List<Span> of(
      List<Span> uncovered,
      List<Span> gaps,
      BitSet offered,
      BitSet promised,
      boolean othersHaveRoom,
      long fileSize,
      int pieceSize,
      int mostPieces,
      double draw,
      OriginPick.Run last,
      boolean fallback) {
    List<Span> order = new ArrayList<>();
    BitSet free = new BitSet();
    for (Span span : uncovered) {
      free.set((int) (span.start() / pieceSize), (int) ((span.end() + pieceSize - 1) / pieceSize));
    }
    if (othersHaveRoom) {
      for (int first = offered.nextSetBit(0); first >= 0; ) {
        int end = offered.nextClearBit(first);
        within(uncovered, pieces(first, end, fileSize, pieceSize), order);
        first = offered.nextSetBit(end);
      }
    }
    BitSet elsewhere = (BitSet) offered.clone();
    elsewhere.or(promised);
    OriginPick.Run pick = OriginPick.choose(free, elsewhere, mostPieces, draw, last);
    if (pick != null) {
      within(uncovered, pieces(pick.first(), pick.end(), fileSize, pieceSize), order);
    }
    if (fallback) {
      order.addAll(gaps);
    }
    return order;
  }

  /** {@code gaps} from {@code at} on, then those before it. */
  static List<Span> rotated(List<Span> gaps, long at) {
    List<Span> head = new ArrayList<>();
    List<Span> tail = new ArrayList<>();
    for (Span gap : gaps) {
      if (gap.end() <= at) {
        tail.add(gap);
      } else if (gap.start() >= at) {
        head.add(gap);
      } else {
        head.add(new Span(at, gap.end()));
        tail.add(new Span(gap.start(), at));
      }
    }
    head.addAll(tail);
    return head;
  }

  private static Span pieces(int first, int end, long fileSize, int pieceSize) {
    return new Span((long) first * pieceSize, Math.min(fileSize, (long) end * pieceSize));
  }

  /** Adds the parts of {@code spans} within {@code range} to {@code order}. */
  private static void within(List<Span> spans, Span range, List<Span> order) {
    for (Span span : spans) {
      Span part = span.intersect(range);
      if (!part.isEmpty()) {
        order.add(part);
      }
    }
  }
}
