package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.piece.Span;
import dev.ferry.spi.Validators;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which pieces a checkpoint may record: only those a finished flush put on disk. */
class FileStateTest {
  private static final int PIECE = 64 * 1024;

  private static FileState fourPieces() {
    FileState state = new FileState(List.of(), PIECE);
    state.resetTo(new Validators(4L * PIECE, "\"v1\"", null));
    return state;
  }

  private static BitSet durable(FileState state) {
    return BitSet.valueOf(state.durablePieceBits());
  }

  @Test
  void aWrittenPieceIsDoneAtOnceButDurableOnlyAfterAFlush() {
    FileState state = fourPieces();
    state.account(new Span(0, PIECE));
    assertThat(state.pieces().isDone(0)).isTrue();
    assertThat(durable(state).isEmpty()).isTrue();

    FileState.Flush flush = state.beginFlush();
    state.flushed(flush);
    assertThat(durable(state).get(0)).isTrue();
  }

  @Test
  void aPieceFinishedWhileAFlushRunsWaitsForTheNextFlush() {
    FileState state = fourPieces();
    state.account(new Span(0, PIECE));
    FileState.Flush flush = state.beginFlush();
    state.account(new Span(PIECE, 2L * PIECE));
    state.flushed(flush);
    assertThat(durable(state).get(0)).isTrue();
    assertThat(durable(state).get(1)).isFalse();

    state.flushed(state.beginFlush());
    assertThat(durable(state).get(1)).isTrue();
  }

  @Test
  void aFlushThatOverlapsARestartMarksNothing() {
    FileState state = fourPieces();
    state.account(new Span(0, PIECE));
    FileState.Flush flush = state.beginFlush();
    state.resetTo(new Validators(4L * PIECE, "\"v2\"", null));
    state.account(new Span(0, PIECE));
    state.flushed(flush);
    assertThat(durable(state).isEmpty()).isTrue();
  }

  @Test
  void forgettingAndRestartingClearWhatWasDurable() {
    FileState state = fourPieces();
    state.account(new Span(0, PIECE));
    state.flushed(state.beginFlush());
    state.resetTo(new Validators(4L * PIECE, "\"v2\"", null));
    assertThat(durable(state).isEmpty()).isTrue();

    state.account(new Span(0, PIECE));
    state.flushed(state.beginFlush());
    state.forget();
    assertThat(durable(state).isEmpty()).isTrue();
  }

  @Test
  void aRestoredCheckpointIsDurableAsRecorded() {
    BitSet recorded = new BitSet();
    recorded.set(1);
    recorded.set(3);
    FileState state = restoreFourPieces(recorded.toByteArray(), null);
    assertThat(durable(state)).isEqualTo(recorded);
  }

  @Test
  void piecesWrittenInThisBootCountAsDoneButNotAsDurable() {
    BitSet flushed = new BitSet();
    flushed.set(0);
    BitSet written = new BitSet();
    written.set(0, 3);
    FileState state = restoreFourPieces(flushed.toByteArray(), written.toByteArray());
    assertThat(state.bytesTransferred()).isEqualTo(3L * PIECE);
    assertThat(BitSet.valueOf(state.writtenPieceBits())).isEqualTo(written);
    assertThat(durable(state)).isEqualTo(flushed);
  }

  /** A file of four pieces restored from a checkpoint: flushed pieces, and written ones or null. */
  private static FileState restoreFourPieces(byte[] flushed, byte[] written) {
    return FileState.restore(
        List.of(),
        false,
        PIECE,
        new Validators(4L * PIECE, "\"v1\"", null),
        flushed,
        written,
        "",
        false);
  }
}
