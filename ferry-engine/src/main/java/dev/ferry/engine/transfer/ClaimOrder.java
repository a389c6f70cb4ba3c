package dev.ferry.engine.transfer;

import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The order in which a connection of a file shared with other sources (peers) looks for work: the
 * parts other sources would send now, while one of them can take a request, those they hold here
 * already first, the others from a place drawn once for the transfer and wrapping around; then the
 * pieces the origin is asked for ({@link OriginPick}), of those no other source offers or is
 * promised; then, only where the caller falls back (the other sources fall behind the origin,
 * {@link OthersPace}), every missing span from a place drawn once for the transfer, wrapping
 * around: the origin then fetches what they offer rather than wait on them.
 */
final class ClaimOrder {
  private final SourcePlanner planner;
  private final FileState state;
  private final Segments segments;

  /** Where the last of {@link #spans}' spans begin, drawn once; -1 until then. */
  private volatile long spreadFrom = -1;

  /** The order of one run of one file's transfer. */
  ClaimOrder(SourcePlanner planner, FileState state, Segments segments) {
    this.planner = planner;
    this.state = state;
    this.segments = segments;
  }

  /**
   * The missing spans in the order connections claim them. Where other sources (peers) share the
   * file, what they offer comes first while one can take a request, from a place drawn once for the
   * transfer; then what the origin is asked for ({@link OriginPick}: pieces nobody offers or is
   * promised, on from this machine's last origin request or from the middle of the largest run of
   * them), so that machines fetching one file at the same time rarely ask the origin for the same
   * piece; then, where the others fall behind, every gap from a piece drawn at random once for this
   * transfer, wrapping around.
   *
   * @param forOrigin the connection asks the origin whatever others offer (its own connection
   *     beside them): what they offer does not come first
   */
  List<Span> spans(boolean forOrigin) {
    List<Span> gaps = state.gaps();
    PieceMap pieces = state.pieces();
    if (!planner.hasAlternatives() || pieces == null || gaps.isEmpty()) {
      return gaps;
    }
    int pieceSize = state.pieceSize();
    long fileSize = pieces.fileSize();
    if (spreadFrom < 0) {
      long pieceCount = (fileSize + pieceSize - 1) / pieceSize;
      spreadFrom = ThreadLocalRandom.current().nextLong(Math.max(1, pieceCount)) * pieceSize;
    }
    return of(
        segments.uncovered(gaps),
        rotated(gaps, spreadFrom),
        spreadFrom,
        planner.ready(fileSize, pieceSize),
        planner.servable(fileSize, pieceSize),
        planner.offered(fileSize, pieceSize),
        planner.promised(fileSize, pieceSize),
        !forOrigin && planner.othersHaveRoom(),
        fileSize,
        pieceSize,
        SourcePlanner.ORIGIN_PIECES,
        ThreadLocalRandom.current().nextDouble(),
        planner.originLast(pieceSize),
        forOrigin || planner.othersFallBehind());
  }

  /**
   * @param uncovered the missing spans no connection is fetching, in order
   * @param gaps every missing span, in the order they follow
   * @param spreadFrom where what others offer begins, wrapping around: machines fetching one file
   *     from each other at once, each from its own place, ask each for different pieces, and keep
   *     every machine's uplink busy; from the file's start, all would ask the few holding its first
   *     pieces
   * @param ready the pieces other sources hold here already ({@link dev.ferry.spi.Source#ready}):
   *     their requests are for these first, in order
   * @param servable the pieces other sources would send now: their requests are for these
   * @param offered the pieces other sources hold, sending them now or later: the origin is not
   *     asked for these
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
      long spreadFrom,
      BitSet ready,
      BitSet servable,
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
      BitSet here = (BitSet) ready.clone();
      here.and(servable);
      BitSet rest = (BitSet) servable.clone();
      rest.andNot(here);
      order.addAll(runs(uncovered, here, fileSize, pieceSize));
      order.addAll(rotated(runs(uncovered, rest, fileSize, pieceSize), spreadFrom));
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

  /** The parts of {@code uncovered} within the runs of {@code pieces}, in order. */
  private static List<Span> runs(
      List<Span> uncovered, BitSet pieces, long fileSize, int pieceSize) {
    List<Span> runs = new ArrayList<>();
    for (int first = pieces.nextSetBit(0); first >= 0; ) {
      int end = pieces.nextClearBit(first);
      within(uncovered, pieces(first, end, fileSize, pieceSize), runs);
      first = pieces.nextSetBit(end);
    }
    return runs;
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
