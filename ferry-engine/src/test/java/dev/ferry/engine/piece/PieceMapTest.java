package dev.ferry.engine.piece;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.FileRange;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PieceMapTest {
  private static final int PIECE = 1 << 16;

  @Test
  void wholeFileNeedsEveryPieceAndTheLastOneIsShort() {
    PieceMap map = PieceMap.empty(3 * PIECE + 10, PIECE, Layout.wholeFile(3 * PIECE + 10));
    assertThat(map.neededCount()).isEqualTo(4);
    assertThat(map.pieceSpan(3)).isEqualTo(new Span(3L * PIECE, 3L * PIECE + 10));
    assertThat(map.missing()).containsExactly(new Span(0, 3L * PIECE + 10));
  }

  @Test
  void donePiecesSplitTheMissingSpansAndCountTheirWantedBytes() {
    long size = 4L * PIECE;
    PieceMap map = PieceMap.empty(size, PIECE, Layout.wholeFile(size));
    map.markDone(1);
    map.markDone(3);
    map.markDone(3);
    assertThat(map.doneCount()).as("a piece marked twice counts once").isEqualTo(2);
    assertThat(map.missing()).containsExactly(new Span(0, PIECE), new Span(2L * PIECE, 3L * PIECE));
    assertThat(map.bytesDone()).isEqualTo(2L * PIECE);
    assertThat(map.isComplete()).isFalse();
    map.markDone(0);
    map.markDone(2);
    assertThat(map.isComplete()).isTrue();
    assertThat(map.missing()).isEmpty();
    map.clear();
    assertThat(map.doneCount()).isZero();
    assertThat(map.isComplete()).isFalse();
  }

  @Test
  void rangesNeedOnlyThePiecesTheyTouchAndCountOnlyWantedBytes() {
    long size = 10L * PIECE;
    Layout layout =
        Layout.ranges(List.of(new FileRange(5L * PIECE + 100, 50), new FileRange(10, 20)), size);
    PieceMap map = PieceMap.empty(size, PIECE, layout);
    assertThat(map.neededCount()).isEqualTo(2);
    assertThat(map.wantedBytesIn(5)).isEqualTo(50);
    map.markDone(7);
    assertThat(map.doneCount()).as("pieces nobody wants are never done").isZero();
    map.markDone(5);
    assertThat(map.bytesDone()).isEqualTo(50);
    assertThat(map.missing()).containsExactly(new Span(10, 30));
  }

  @Test
  void twoRangesInOnePieceShareItsWantedBytes() {
    long size = 2L * PIECE;
    Layout layout = Layout.ranges(List.of(new FileRange(100, 10), new FileRange(1000, 5)), size);
    PieceMap map = PieceMap.empty(size, PIECE, layout);
    assertThat(map.wantedBytesIn(0)).isEqualTo(15);
    assertThat(map.neededCount()).isEqualTo(1);
  }

  @Test
  void restoresFromItsBytesAndIgnoresBitsOutsideTheWantedPieces() {
    long size = 8L * PIECE;
    PieceMap map = PieceMap.empty(size, PIECE, Layout.wholeFile(size));
    map.markDone(2);
    map.markDone(6);
    BitSet restored = BitSet.valueOf(map.toBytes());
    restored.set(40);
    PieceMap again = new PieceMap(size, PIECE, Layout.wholeFile(size), restored);
    assertThat(again.doneCount()).isEqualTo(2);
    assertThat(again.isDone(6)).isTrue();
  }

  @Test
  void pieceSizeMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> PieceMap.empty(100, 3000, Layout.wholeFile(100)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyFileIsCompleteAtOnce() {
    PieceMap map = PieceMap.empty(0, PIECE, Layout.wholeFile(0));
    assertThat(map.isComplete()).isTrue();
    assertThat(map.missing()).isEmpty();
  }
}
