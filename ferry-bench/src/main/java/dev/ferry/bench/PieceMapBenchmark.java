package dev.ferry.bench;

import dev.ferry.api.FileRange;
import dev.ferry.engine.piece.Layout;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.engine.piece.SpanSet;
import dev.ferry.engine.transfer.FileState;
import dev.ferry.spi.Validators;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The piece map's bookkeeping. A 100 GiB file with 1 MiB pieces has 102,400 pieces; {@code
 * missing()} runs once per request ({@code FileState.firstGap}), {@code bytesDone()} on every
 * restore, {@code markDone} once per piece, and {@code FileState.account} once per 256 KiB chunk
 * read (under the state's lock, on the copy loop's thread).
 *
 * <p>Scores are average times; the {@code account*} and {@code spanSetAdd*} scores are per chunk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class PieceMapBenchmark {
  static final long GIB = 1L << 30;
  static final int PIECE = 1 << 20;
  static final int CHUNK = 256 * 1024;
  static final long BIG = 100 * GIB;

  /** 1 GiB whole file: 4,096 chunks of 256 KiB. */
  static final int WHOLE_CHUNKS = 4096;

  /** 500 ranges of 1 MiB, 2 MiB apart and not piece-aligned: 2,000 chunks of 256 KiB. */
  static final int RANGES = 500;

  static final int RANGE_CHUNKS = RANGES * 4;

  /** 1,000 disjoint 100 KiB spans in a 1 GiB file: the partial pieces of a stopped transfer. */
  static final int DISJOINT = 1000;

  private PieceMap empty;
  private PieceMap half;
  private PieceMap full;
  private PieceMap marking;
  private int next;
  private int markingPieces;
  private List<FileRange> ranges;
  private Layout rangeLayout;
  private SpanSet fragmented;

  @Setup
  public void setUp() {
    Layout whole = Layout.wholeFile(BIG);
    empty = PieceMap.empty(BIG, PIECE, whole);
    half = PieceMap.empty(BIG, PIECE, whole);
    full = PieceMap.empty(BIG, PIECE, whole);
    int pieces = full.neededCount();
    for (int i = 0; i < pieces; i++) {
      full.markDone(i);
      if (i % 2 == 0) {
        half.markDone(i);
      }
    }
    marking = PieceMap.empty(BIG, PIECE, whole);
    markingPieces = marking.neededCount();
    ranges = new ArrayList<>();
    for (int i = 0; i < RANGES; i++) {
      ranges.add(new FileRange(i * 2L * PIECE + 12_345, PIECE));
    }
    rangeLayout = Layout.ranges(ranges, GIB);
    fragmented = new SpanSet();
    for (int i = 0; i < DISJOINT; i++) {
      long start = i * (GIB / DISJOINT);
      fragmented.add(new Span(start, start + 100 * 1024));
    }
  }

  @Benchmark
  public List<Span> missingEmpty100g() {
    return empty.missing();
  }

  /** Every other piece done: 51,200 missing spans. */
  @Benchmark
  public List<Span> missingHalf100g() {
    return half.missing();
  }

  @Benchmark
  public List<Span> missingDone100g() {
    return full.missing();
  }

  @Benchmark
  public long bytesDoneHalf100g() {
    return half.bytesDone();
  }

  @Benchmark
  public long bytesDoneFull100g() {
    return full.bytesDone();
  }

  /** What {@code FileState.pieces()} costs a transfer per request and an API reader per call. */
  @Benchmark
  public PieceMap copy100g() {
    return half.copy();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void markDone100g() {
    marking.markDone(next);
    if (++next == markingPieces) {
      next = 0;
      marking.clear();
    }
  }

  /**
   * A 1 GiB whole-file transfer's per-chunk bookkeeping, as {@code FileTransfer.copyBody} does it:
   * intersect the chunk with each wanted span, then {@code FileState.account}.
   */
  @Benchmark
  @OperationsPerInvocation(WHOLE_CHUNKS)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long accountWholeFile1g() {
    FileState state = started(List.of(), PIECE, GIB);
    List<Span> wanted = Layout.wholeFile(GIB).wanted();
    long fresh = 0;
    for (long remote = 0; remote < GIB; remote += CHUNK) {
      fresh += copyBodyStep(state, wanted, new Span(remote, remote + CHUNK));
    }
    return fresh;
  }

  /** The same for a file of 500 ranges: every chunk meets the loop over all 500 wanted spans. */
  @Benchmark
  @OperationsPerInvocation(RANGE_CHUNKS)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long accountRanges500() {
    FileState state = started(ranges, PIECE, GIB);
    List<Span> wanted = rangeLayout.wanted();
    long fresh = 0;
    for (Span range : wanted) {
      for (long remote = range.start(); remote < range.end(); remote += CHUNK) {
        fresh +=
            copyBodyStep(state, wanted, new Span(remote, Math.min(remote + CHUNK, range.end())));
      }
    }
    return fresh;
  }

  private static long copyBodyStep(FileState state, List<Span> wanted, Span chunk) {
    long fresh = 0;
    for (int i = 0; i < wanted.size(); i++) {
      Span part = chunk.intersect(wanted.get(i));
      if (part.isEmpty()) {
        continue;
      }
      fresh += state.account(part);
    }
    return fresh;
  }

  /** A transfer's {@code partial} set: consecutive chunks merge into one span. */
  @Benchmark
  @OperationsPerInvocation(WHOLE_CHUNKS)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public SpanSet spanSetAddSequential() {
    SpanSet set = new SpanSet();
    for (long remote = 0; remote < GIB; remote += CHUNK) {
      set.add(new Span(remote, remote + CHUNK));
    }
    return set;
  }

  /** Disjoint chunks (every other one): the set grows to 2,048 spans. */
  @Benchmark
  @OperationsPerInvocation(WHOLE_CHUNKS / 2)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public SpanSet spanSetAddDisjoint() {
    SpanSet set = new SpanSet();
    for (long remote = 0; remote < GIB; remote += 2L * CHUNK) {
      set.add(new Span(remote, remote + CHUNK));
    }
    return set;
  }

  /** The gaps of a whole 1 GiB file around 1,000 disjoint spans. */
  @Benchmark
  public List<Span> spanSetSubtract1000() {
    return fragmented.subtractFrom(new Span(0, GIB));
  }

  /** One chunk's overlap with the 1,000-span set, as {@code account} asks per chunk. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long spanSetOverlap1000() {
    long start = (next++ & 1023) * (GIB / 1024);
    return fragmented.overlap(new Span(start, start + CHUNK));
  }

  /** A file state as a transfer leaves it after the first response: size known, nothing done. */
  private static FileState started(List<FileRange> ranges, int pieceSize, long remoteSize) {
    FileState state = new FileState(ranges, pieceSize);
    state.resetTo(new Validators(remoteSize, "\"bench\"", null));
    return state;
  }
}
