package dev.ferry.engine.transfer;

import dev.ferry.api.FileRange;
import dev.ferry.engine.piece.Layout;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.engine.piece.SpanSet;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.ResponseInfo;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.Validators;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The transfer progress of one file: the remote version seen, the piece map, and a live byte count.
 * Shared between the transfer that fills it and the API threads that read it, so every access is
 * synchronized; the copy loop touches it once per buffer, not per byte.
 */
public final class FileState {
  private List<FileRange> ranges;
  private final boolean inPlace;
  private int pieceSize;
  private Validators validators;
  private PieceMap pieces;
  private long transferred;
  private String responseHeaders = "";
  private ResponseInfo response = ResponseInfo.NONE;
  private boolean completed;

  /** Verifies whole pieces before they count as done; null when there is nothing to check. */
  private PieceCheck check;

  /** Pieces whose bytes are all written and that wait for {@link #check}. */
  private final java.util.ArrayDeque<Integer> filled = new java.util.ArrayDeque<>();

  /** Bytes and responses by kind of source: the statistics, fed by {@link FileStats}. */
  private final Map<SourceKind, long[]> byKind = new HashMap<>();

  /** The place of each kind that answered last, where its source names one (the cache host). */
  private final Map<SourceKind, String> places = new HashMap<>();

  private long received;
  private long activeMillis;
  private int piecesRejected;
  private final Map<SourceKind, Long> uploadedTo = new HashMap<>();

  /**
   * Bytes of unfinished pieces written in this process. They are in the file, so a transfer that
   * stops and starts again in the same process (suspend, preemption, a time slice, a retry) goes on
   * from them; only a restart, which trusts the persisted piece map alone, fetches them again.
   */
  private final SpanSet partial = new SpanSet();

  private final Map<Integer, Long> remainingInPiece = new HashMap<>();

  /**
   * The done pieces whose bytes were on disk when a flush last finished: all a checkpoint may
   * record, so a crash of the machine never leaves a piece recorded done whose bytes were still in
   * the page cache.
   */
  private final BitSet durable = new BitSet();

  /**
   * Counts resets of the piece map, so a flush that overlapped one does not mark pieces durable.
   */
  private long generation;

  /** The sums this file is counted in, or null; with this file's part as last counted. */
  private ProgressTotals totals;

  private long countedTotal;
  private long countedBytes;
  private boolean countedDone;

  public FileState(List<FileRange> ranges, int pieceSize) {
    this(ranges, false, pieceSize);
  }

  /**
   * @param inPlace whether ranges land at their remote offsets (DO) rather than back to back (BITS)
   */
  public FileState(List<FileRange> ranges, boolean inPlace, int pieceSize) {
    this.ranges = List.copyOf(ranges);
    this.inPlace = inPlace;
    this.pieceSize = pieceSize;
    this.validators = Validators.NONE;
  }

  /**
   * Restores a checkpoint: the pieces recorded done are trusted, the rest will be fetched. {@code
   * written}, when not null, are the pieces written in this boot of the machine: the page cache
   * still holds what was not flushed, so they count as done too.
   */
  public static FileState restore(
      List<FileRange> ranges,
      boolean inPlace,
      int pieceSize,
      Validators validators,
      byte[] pieces,
      byte[] written,
      String headers,
      boolean completed) {
    FileState state = new FileState(ranges, inPlace, pieceSize);
    state.completed = completed;
    state.responseHeaders = headers == null ? "" : headers;
    if (validators.size() >= 0 && (ranges.isEmpty() || Layout.fits(ranges, validators.size()))) {
      state.validators = validators;
      BitSet flushed = BitSet.valueOf(pieces == null ? new byte[0] : pieces);
      BitSet done = (BitSet) flushed.clone();
      if (written != null) {
        done.or(BitSet.valueOf(written));
      }
      state.pieces =
          new PieceMap(validators.size(), pieceSize, state.layoutFor(validators.size()), done);
      state.transferred = state.pieces.bytesDone();
      // What the piece map kept of the flushed pieces: it drops bits beyond the layout.
      state.durable.or(flushed);
      state.durable.and(BitSet.valueOf(state.pieces.toBytes()));
    }
    return state;
  }

  /** Counts this file in {@code into} from now on: its part now, and every change to it. */
  public synchronized void countIn(ProgressTotals into) {
    if (totals != null) {
      throw new IllegalStateException("the file is counted already");
    }
    totals = into;
    countedTotal = bytesTotal();
    countedBytes = transferred;
    countedDone = isDone();
    into.count(1, countedTotal, countedBytes, countedDone);
  }

  /** Takes this file's part out of the sums it was counted in. */
  public synchronized void countOut() {
    if (totals != null) {
      totals.count(-1, countedTotal, countedBytes, countedDone);
      totals = null;
    }
  }

  private boolean isDone() {
    return completed || (pieces != null && pieces.isComplete());
  }

  /** Tells the sums this file is counted in what the last change did to its part. */
  private void recount() {
    if (totals == null) {
      return;
    }
    long total = bytesTotal();
    boolean done = isDone();
    if (total != countedTotal || transferred != countedBytes || done != countedDone) {
      totals.change(countedTotal, countedBytes, countedDone, total, transferred, done);
      countedTotal = total;
      countedBytes = transferred;
      countedDone = done;
    }
  }

  private Layout layoutFor(long size) {
    if (ranges.isEmpty()) {
      return Layout.wholeFile(size);
    }
    return inPlace ? Layout.inPlace(ranges, size) : Layout.ranges(ranges, size);
  }

  public synchronized List<FileRange> ranges() {
    return ranges;
  }

  public boolean inPlace() {
    return inPlace;
  }

  public synchronized int pieceSize() {
    return pieceSize;
  }

  /**
   * Sets the hashes to verify pieces against; with no byte written yet, adopts their piece size.
   */
  public synchronized void useCheck(PieceCheck newCheck) {
    if (newCheck != null && newCheck.pieceSize() != pieceSize) {
      if (transferred > 0 || (pieces != null && pieces.doneCount() > 0)) {
        throw new IllegalStateException("the piece size cannot change once bytes are written");
      }
      pieceSize = newCheck.pieceSize();
      if (pieces != null) {
        pieces = PieceMap.empty(validators.size(), pieceSize, layoutFor(validators.size()));
      }
      partial.clear();
      remainingInPiece.clear();
      recount();
    }
    check = newCheck;
  }

  public synchronized boolean hasCheck() {
    return check != null;
  }

  /**
   * Adds ranges of an in-place file (a DO download started again for another part). Pieces whose
   * wanted bytes grew are fetched again whole; the others keep their state.
   */
  public synchronized void addRanges(List<FileRange> more) {
    if (!inPlace) {
      throw new IllegalStateException("only in-place files take more ranges");
    }
    if (ranges.isEmpty()) {
      return; // the whole file is already wanted
    }
    List<FileRange> merged = mergeRanges(ranges, more);
    if (merged.equals(ranges)) {
      return;
    }
    ranges = merged;
    if (pieces == null) {
      recount();
      return;
    }
    if (!Layout.fits(ranges, validators.size())) {
      throw new dev.ferry.api.FerryException(
          dev.ferry.api.HResult.DO_E_INVALID_RANGE,
          "a range lies beyond the end of the " + validators.size() + "-byte file");
    }
    PieceMap old = pieces;
    PieceMap grown = PieceMap.empty(validators.size(), pieceSize, layoutFor(validators.size()));
    long size = validators.size();
    for (int p = 0; size > 0 && p <= grown.pieceOf(size - 1); p++) {
      if (old.isDone(p) && old.wantedBytesIn(p) == grown.wantedBytesIn(p)) {
        grown.markDone(p);
      }
    }
    pieces = grown;
    durable.and(BitSet.valueOf(grown.toBytes()));
    generation++;
    partial.clear();
    remainingInPiece.clear();
    filled.clear();
    transferred = grown.bytesDone();
    recount();
  }

  /** Sorted union of two range lists, adjacent and overlapping ranges joined. */
  static List<FileRange> mergeRanges(List<FileRange> a, List<FileRange> b) {
    List<FileRange> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    all.sort(java.util.Comparator.comparingLong(FileRange::offset));
    List<FileRange> merged = new java.util.ArrayList<>();
    for (FileRange r : all) {
      if (!merged.isEmpty()) {
        FileRange last = merged.get(merged.size() - 1);
        if (last.toEndOfFile()) {
          continue;
        }
        long lastEnd = last.offset() + last.length();
        if (r.offset() <= lastEnd) {
          long length =
              r.toEndOfFile()
                  ? FileRange.TO_EOF
                  : Math.max(lastEnd, r.offset() + r.length()) - last.offset();
          merged.set(merged.size() - 1, new FileRange(last.offset(), length));
          continue;
        }
      }
      merged.add(r);
    }
    return List.copyOf(merged);
  }

  public synchronized Validators validators() {
    return validators;
  }

  public synchronized long remoteSize() {
    return validators.size();
  }

  /** The wanted bytes: the remote size or the sum of the ranges; -1 while unknown. */
  public synchronized long bytesTotal() {
    if (pieces != null) {
      return pieces.layout().wantedSize();
    }
    if (!ranges.isEmpty() && ranges.stream().noneMatch(FileRange::toEndOfFile)) {
      return ranges.stream().mapToLong(FileRange::length).sum();
    }
    return -1;
  }

  public synchronized long bytesTransferred() {
    return transferred;
  }

  public synchronized boolean isTransferred() {
    return pieces != null && pieces.isComplete();
  }

  public synchronized boolean isCompleted() {
    return completed;
  }

  public synchronized void markCompleted() {
    completed = true;
    recount();
  }

  public synchronized String responseHeaders() {
    return responseHeaders;
  }

  synchronized void setResponse(String headers, ResponseInfo info) {
    responseHeaders = headers == null ? "" : headers;
    response = info == null ? ResponseInfo.NONE : info;
  }

  public synchronized ResponseInfo response() {
    return response;
  }

  public synchronized SourceCounters counters() {
    Map<SourceKind, SourceCounters.PerKind> counts = new HashMap<>();
    byKind.forEach((kind, c) ->
        counts.put(
            kind, new SourceCounters.PerKind(c[0], (int) c[1], places.getOrDefault(kind, ""))));
    return new SourceCounters(counts, activeMillis, piecesRejected, uploadedTo);
  }

  /** {@code bytes} of the file were sent to peers of {@code kind}. */
  synchronized void addUploaded(SourceKind kind, long bytes) {
    if (bytes > 0) {
      uploadedTo.merge(kind, bytes, Long::sum);
    }
  }

  /** Restores the counters of a checkpoint. */
  public synchronized void restoreCounters(SourceCounters saved) {
    byKind.clear();
    places.clear();
    received = 0;
    saved
        .byKind()
        .forEach((kind, c) -> {
          byKind.put(kind, new long[] {c.bytes(), c.connections()});
          if (!c.place().isEmpty()) {
            places.put(kind, c.place());
          }
          received += c.bytes();
        });
    activeMillis = saved.activeMillis();
    piecesRejected = saved.piecesRejected();
    uploadedTo.clear();
    uploadedTo.putAll(saved.uploadedTo());
  }

  /** Bytes received from every kind of source, the statistics' sum: what rates are measured by. */
  public synchronized long bytesReceived() {
    return received;
  }

  synchronized void received(SourceKind kind, long bytes) {
    received += bytes;
    countsOf(kind)[0] += bytes;
  }

  /**
   * A response counted as one of {@code from} when it opened delivered bytes of {@code to} first
   * ({@link dev.ferry.spi.SourceResponse#kindOfLastRead}): it counts as one of {@code to}.
   */
  synchronized void reattributed(SourceKind from, SourceKind to) {
    long[] counts = countsOf(from);
    if (counts[1] > 0) {
      counts[1]--;
    }
    countsOf(to)[1]++;
  }

  /** A response of {@code kind} opened, from {@code place} where the source names one. */
  synchronized void opened(SourceKind kind, String place) {
    countsOf(kind)[1]++;
    if (!place.isEmpty()) {
      places.put(kind, place);
    }
  }

  /** Bytes and responses of one kind of source; a file hears from one or two kinds at most. */
  private long[] countsOf(SourceKind kind) {
    return byKind.computeIfAbsent(kind, k -> new long[2]);
  }

  synchronized void addActive(long millis) {
    activeMillis += millis;
  }

  /** A copy of the piece map, or null while the remote size is unknown. */
  public synchronized PieceMap pieces() {
    return pieces == null ? null : pieces.copy();
  }

  /** The pieces a checkpoint may record done: those a finished flush put on disk. */
  public synchronized byte[] durablePieceBits() {
    return durable.toByteArray();
  }

  /** The pieces done, flushed or not: all of them are in the file, or in the page cache. */
  public synchronized byte[] writtenPieceBits() {
    return pieces == null ? new byte[0] : pieces.toBytes();
  }

  /** Taken just before a flush starts: the pieces it will make durable. */
  synchronized Flush beginFlush() {
    return new Flush(generation, pieces == null ? new BitSet() : BitSet.valueOf(pieces.toBytes()));
  }

  /** The flush begun with {@code flush} has finished: its pieces are on disk. */
  synchronized void flushed(Flush flush) {
    if (flush.generation() == generation) {
      durable.or(flush.done());
    }
  }

  /** The pieces done when a flush began, and the piece map's generation then. */
  record Flush(long generation, BitSet done) {}

  /** Starts over for a new remote version: no piece is done any more. */
  public synchronized void resetTo(Validators current) {
    validators = current;
    pieces =
        current.size() >= 0
            ? PieceMap.empty(current.size(), pieceSize, layoutFor(current.size()))
            : null;
    transferred = 0;
    durable.clear();
    generation++;
    partial.clear();
    remainingInPiece.clear();
    filled.clear();
    recount();
  }

  /** Forgets all progress (used for content that cannot be resumed). */
  public synchronized void forget() {
    validators = Validators.NONE;
    pieces = null;
    transferred = 0;
    durable.clear();
    generation++;
    partial.clear();
    remainingInPiece.clear();
    filled.clear();
    recount();
  }

  /**
   * The first wanted bytes that are neither in a done piece nor already written into an unfinished
   * one, or null when every wanted byte is in place.
   */
  synchronized Span firstGap() {
    for (Span missing : pieces.missing()) {
      List<Span> left = partial.subtractFrom(missing);
      if (!left.isEmpty()) {
        return left.get(0);
      }
    }
    return null;
  }

  /** Every wanted byte neither in a done piece nor already written, as spans in local order. */
  synchronized List<Span> gaps() {
    List<Span> gaps = new java.util.ArrayList<>();
    if (pieces != null) {
      for (Span missing : pieces.missing()) {
        gaps.addAll(partial.subtractFrom(missing));
      }
    }
    return gaps;
  }

  /**
   * Records that the wanted bytes {@code part} were written: pieces whose every wanted byte is now
   * written become done. Returns how many of the bytes are new, so bytes written twice (a server
   * that resent them) count once.
   */
  public synchronized long account(Span part) {
    long fresh = 0;
    for (int p = pieces.pieceOf(part.start()); p <= pieces.pieceOf(part.end() - 1); p++) {
      if (pieces.isDone(p)) {
        continue;
      }
      Span inPiece = pieces.pieceSpan(p).intersect(part);
      long bytes = inPiece.length() - partial.overlap(inPiece);
      if (bytes == 0) {
        continue;
      }
      partial.add(inPiece);
      fresh += bytes;
      long left = remainingInPiece.getOrDefault(p, pieces.wantedBytesIn(p)) - bytes;
      if (left <= 0) {
        remainingInPiece.remove(p);
        if (needsCheck(p)) {
          filled.add(p);
        } else {
          pieces.markDone(p);
        }
      } else {
        remainingInPiece.put(p, left);
      }
    }
    transferred += fresh;
    recount();
    return fresh;
  }

  /** Only whole pieces at their own offsets can be checked against piece hashes. */
  private boolean needsCheck(int piece) {
    return check != null
        && pieces.layout().isIdentity()
        && pieces.wantedBytesIn(piece) == pieces.pieceSpan(piece).length();
  }

  /** The pieces written in full since the last call, which wait for verification. */
  synchronized List<Integer> takeFilled() {
    List<Integer> taken = List.copyOf(filled);
    filled.clear();
    return taken;
  }

  synchronized PieceCheck check() {
    return check;
  }

  /** A filled piece passed its check: it is done. */
  /** Who hears of each piece accepted, outside this state's lock ({@link #accepted}). */
  private volatile IntConsumer onAccepted = piece -> {};

  /** Tells {@code listener} of each piece accepted from now on. */
  void whenAccepted(IntConsumer listener) {
    onAccepted = listener;
  }

  /** Piece {@code piece} was accepted: its listener hears of it, outside this state's lock. */
  void accepted(int piece) {
    onAccepted.accept(piece);
  }

  synchronized void accept(int piece) {
    if (pieces != null && !pieces.isDone(piece)) {
      pieces.markDone(piece);
      recount();
    }
  }

  /** A filled piece failed its check: its bytes no longer count and will be fetched again. */
  synchronized void reject(int piece) {
    if (pieces == null) {
      return;
    }
    Span span = pieces.pieceSpan(piece);
    partial.remove(span);
    remainingInPiece.remove(piece);
    transferred -= pieces.wantedBytesIn(piece);
    piecesRejected++;
    recount();
  }

  /** A source threw away a bad piece itself before it reached the file: it counts as rejected. */
  synchronized void discarded() {
    piecesRejected++;
  }

  synchronized void addTransferred(long n) {
    transferred += n;
    recount();
  }

  synchronized boolean markDone(int piece) {
    if (pieces.isDone(piece)) {
      return false;
    }
    pieces.markDone(piece);
    recount();
    return true;
  }

  /** Whether piece {@code piece} is done (false while the file's size is unknown). */
  public synchronized boolean hasDone(int piece) {
    return pieces != null && piece >= 0 && pieces.isDone(piece);
  }

  synchronized boolean isDone(int piece) {
    return pieces.isDone(piece);
  }

  /** Sets the total after a dynamic (size-less) download ended: every byte is done. */
  synchronized void finishDynamic(Validators finalVersion, long size) {
    validators = new Validators(size, finalVersion.etag(), finalVersion.lastModified());
    pieces = PieceMap.empty(size, pieceSize, Layout.wholeFile(size));
    filled.clear();
    for (int i = 0; size > 0 && i <= pieces.pieceOf(size - 1); i++) {
      pieces.markDone(i);
    }
    transferred = size;
    recount();
  }
}
