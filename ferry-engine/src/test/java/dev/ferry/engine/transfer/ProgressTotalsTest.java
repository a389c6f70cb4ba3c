package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.FileRange;
import dev.ferry.engine.piece.Span;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.Validators;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The summed progress of a set of files always equals the sum of the files, as they change. */
class ProgressTotalsTest {
  private static final int PIECE = 64 * 1024;

  /** What the totals must say: the files' own figures, summed one by one. */
  private static void assertSums(ProgressTotals totals, List<FileState> files) {
    long total = 0;
    long transferred = 0;
    int done = 0;
    for (FileState file : files) {
      total = total < 0 || file.bytesTotal() < 0 ? -1 : total + file.bytesTotal();
      transferred += file.bytesTransferred();
      if (file.isTransferred() || file.isCompleted()) {
        done++;
      }
    }
    assertThat(totals.bytesTotal()).as("bytes total").isEqualTo(total);
    assertThat(totals.bytesTransferred()).as("bytes transferred").isEqualTo(transferred);
    assertThat(totals.filesDone()).as("files done").isEqualTo(done);
  }

  @Test
  void aFileCountsFromItsStateWhenCountedIn() {
    ProgressTotals totals = new ProgressTotals();
    FileState known = new FileState(List.of(), PIECE);
    known.resetTo(new Validators(3L * PIECE, "\"a\"", null));
    known.account(new Span(0, PIECE));
    known.countIn(totals);
    assertThat(totals.bytesTotal()).isEqualTo(3L * PIECE);
    assertThat(totals.bytesTransferred()).isEqualTo(PIECE);
    assertThat(totals.filesDone()).isZero();

    FileState unknown = new FileState(List.of(), PIECE);
    unknown.countIn(totals);
    assertThat(totals.bytesTotal()).as("one size unknown").isEqualTo(-1);

    unknown.countOut();
    assertThat(totals.bytesTotal()).isEqualTo(3L * PIECE);
    unknown.resetTo(new Validators(PIECE, "\"b\"", null));
    assertThat(totals.bytesTotal()).as("a file counted out changes nothing").isEqualTo(3L * PIECE);
  }

  @Test
  void everyChangeOfAFileMovesTheSums() {
    ProgressTotals totals = new ProgressTotals();
    FileState file = new FileState(List.of(), PIECE);
    file.countIn(totals);
    List<FileState> files = List.of(file);

    file.resetTo(new Validators(2L * PIECE, "\"v1\"", null));
    assertSums(totals, files);
    file.account(new Span(0, PIECE / 2));
    assertSums(totals, files);
    file.account(new Span(PIECE / 2, 2L * PIECE));
    assertSums(totals, files);
    assertThat(totals.filesDone()).isOne();

    file.resetTo(new Validators(5L * PIECE, "\"v2\"", null));
    assertSums(totals, files);
    assertThat(totals.filesDone()).isZero();
    file.forget();
    assertSums(totals, files);
    assertThat(totals.bytesTotal()).isEqualTo(-1);
    file.addTransferred(5000); // content of unknown length, counted as it comes
    assertSums(totals, files);
    assertThat(totals.bytesTransferred()).isEqualTo(5000);

    file.finishDynamic(new Validators(-1, null, null), 7000);
    assertSums(totals, files);
    file.markCompleted();
    assertSums(totals, files);
    assertThat(totals.filesDone()).isOne();
  }

  @Test
  void checkedPiecesCountWhenAcceptedAndStopCountingWhenRejected() {
    ProgressTotals totals = new ProgressTotals();
    FileState file = new FileState(List.of(), PIECE);
    file.resetTo(new Validators(2L * PIECE, "\"v1\"", null));
    file.useCheck(
        new PieceCheck() {
          @Override
          public int pieceSize() {
            return PIECE;
          }

          @Override
          public long fileSize() {
            return 2L * PIECE;
          }

          @Override
          public boolean matches(int piece, java.nio.ByteBuffer content) {
            return true;
          }
        });
    file.countIn(totals);
    List<FileState> files = List.of(file);

    file.account(new Span(0, 2L * PIECE));
    assertSums(totals, files);
    assertThat(totals.filesDone()).as("filled, not yet verified").isZero();
    file.accept(0);
    assertSums(totals, files);
    file.reject(1);
    assertSums(totals, files);
    file.account(new Span(PIECE, 2L * PIECE));
    file.accept(1);
    assertSums(totals, files);
    assertThat(totals.filesDone()).isOne();
  }

  @Test
  void rangesAddedToAnInPlaceFileChangeItsTotal() {
    ProgressTotals totals = new ProgressTotals();
    FileState file = new FileState(List.of(new FileRange(0, PIECE)), true, PIECE);
    file.countIn(totals);
    List<FileState> files = List.of(file);
    assertSums(totals, files);

    file.resetTo(new Validators(4L * PIECE, "\"v1\"", null));
    file.account(new Span(0, PIECE));
    assertSums(totals, files);
    file.addRanges(List.of(new FileRange(2L * PIECE, PIECE)));
    assertSums(totals, files);
    assertThat(totals.bytesTotal()).isEqualTo(2L * PIECE);
  }

  @Test
  void manyFilesChangedFromManyThreadsSumExactly() throws Exception {
    ProgressTotals totals = new ProgressTotals();
    List<FileState> files = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      FileState file = new FileState(List.of(), PIECE);
      file.countIn(totals);
      files.add(file);
    }
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int first = t * 10;
      threads.add(
          Thread.ofPlatform()
              .start(() -> {
                Random random = new Random(first);
                for (int i = first; i < first + 10; i++) {
                  FileState file = files.get(i);
                  file.resetTo(new Validators(8L * PIECE, "\"v\"", null));
                  long at = 0;
                  while (at < 8L * PIECE) {
                    long step = 1 + random.nextInt(3 * PIECE);
                    long end = Math.min(8L * PIECE, at + step);
                    file.account(new Span(at, end));
                    at = end;
                  }
                  if (i % 3 == 0) {
                    file.resetTo(new Validators(2L * PIECE, "\"w\"", null));
                  }
                }
              }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertSums(totals, files);
  }
}
