package dev.ferry.engine.piece;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which pieces of a file's wanted bytes have arrived. Pieces are fixed-size, power-of-two slices of
 * the <em>remote</em> file, so that any source (the origin, a cache server, a peer) can fill any
 * piece and a piece hash describes the same bytes everywhere. A piece counts as done when every
 * wanted byte in it has been written; pieces outside the wanted spans are never needed.
 *
 * <p>Not thread-safe: one transfer owns a file's map at a time; readers take {@link #copy()}.
 */
public final class PieceMap {
  private final long fileSize;
  private final int pieceSize;
  private final Layout layout;
  private final BitSet done;
  private final BitSet needed;

  /**
   * The cardinalities of {@link #done} and {@link #needed}, kept as they change: a job's progress
   * asks whether a file is complete each time a piece finishes, and counting bits each time was
   * linear in the file's pieces.
   */
  private int doneCount;

  private final int neededCount;

  public PieceMap(long fileSize, int pieceSize, Layout layout, BitSet done) {
    if (Integer.bitCount(pieceSize) != 1) {
      throw new IllegalArgumentException("piece size must be a power of two: " + pieceSize);
    }
    this.fileSize = fileSize;
    this.pieceSize = pieceSize;
    this.layout = layout;
    this.needed = new BitSet();
    for (Span span : layout.wanted()) {
      if (!span.isEmpty()) {
        needed.set(pieceOf(span.start()), pieceOf(span.end() - 1) + 1);
      }
    }
    this.done = (BitSet) done.clone();
    this.done.and(needed);
    this.doneCount = this.done.cardinality();
    this.neededCount = needed.cardinality();
  }

  public static PieceMap empty(long fileSize, int pieceSize, Layout layout) {
    return new PieceMap(fileSize, pieceSize, layout, new BitSet());
  }

  public long fileSize() {
    return fileSize;
  }

  public int pieceSize() {
    return pieceSize;
  }

  public Layout layout() {
    return layout;
  }

  public int pieceOf(long remoteOffset) {
    return Math.toIntExact(remoteOffset / pieceSize);
  }

  /** The bytes of piece {@code index} within the remote file. */
  public Span pieceSpan(int index) {
    long start = (long) index * pieceSize;
    return new Span(start, Math.min(start + pieceSize, fileSize));
  }

  public boolean isDone(int index) {
    return done.get(index);
  }

  public void markDone(int index) {
    if (needed.get(index) && !done.get(index)) {
      done.set(index);
      doneCount++;
    }
  }

  public void clear() {
    done.clear();
    doneCount = 0;
  }

  public boolean isComplete() {
    return doneCount == neededCount;
  }

  public int neededCount() {
    return neededCount;
  }

  public int doneCount() {
    return doneCount;
  }

  /** How many wanted bytes piece {@code index} holds, over every wanted span. */
  public long wantedBytesIn(int index) {
    Span piece = pieceSpan(index);
    long total = 0;
    for (Span span : layout.wanted()) {
      total += piece.intersect(span).length();
    }
    return total;
  }

  /** The wanted bytes that lie in done pieces. */
  public long bytesDone() {
    long total = 0;
    for (Span span : layout.wanted()) {
      total += wantedDoneIn(span);
    }
    return total;
  }

  private long wantedDoneIn(Span span) {
    long total = 0;
    if (span.isEmpty()) {
      return 0;
    }
    for (int i = done.nextSetBit(pieceOf(span.start()));
        i >= 0 && i <= pieceOf(span.end() - 1);
        i = done.nextSetBit(i + 1)) {
      total += pieceSpan(i).intersect(span).length();
    }
    return total;
  }

  /**
   * The wanted bytes still missing, as spans in local order, each cut at piece boundaries only
   * where a done piece interrupts it.
   */
  public List<Span> missing() {
    List<Span> result = new ArrayList<>();
    for (Span span : layout.wanted()) {
      if (span.isEmpty()) {
        continue;
      }
      long runStart = -1;
      for (int i = pieceOf(span.start()); i <= pieceOf(span.end() - 1); i++) {
        Span part = pieceSpan(i).intersect(span);
        if (!done.get(i)) {
          if (runStart < 0) {
            runStart = part.start();
          }
        } else if (runStart >= 0) {
          result.add(new Span(runStart, part.start()));
          runStart = -1;
        }
      }
      if (runStart >= 0) {
        result.add(new Span(runStart, span.end()));
      }
    }
    return result;
  }

  public byte[] toBytes() {
    return done.toByteArray();
  }

  public PieceMap copy() {
    return new PieceMap(fileSize, pieceSize, layout, done);
  }
}
