package dev.ferry.engine.transfer;

import dev.ferry.api.FileRange;
import dev.ferry.engine.piece.Layout;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.engine.piece.SpanSet;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The transfer progress of one file: the remote version seen, the piece map, and a live byte count.
 * Shared between the transfer that fills it and the API threads that read it, so every access is
 * synchronized; the copy loop touches it once per buffer, not per byte.
 */
public final class FileState {
  private final List<FileRange> ranges;
  private final int pieceSize;
  private Validators validators;
  private PieceMap pieces;
  private long transferred;
  private String responseHeaders = "";
  private boolean completed;

  /**
   * Bytes of unfinished pieces written in this process. They are in the file, so a transfer that
   * stops and starts again in the same process (suspend, preemption, a time slice, a retry) goes on
   * from them; only a restart, which trusts the persisted piece map alone, fetches them again.
   */
  private final SpanSet partial = new SpanSet();

  private final Map<Integer, Long> remainingInPiece = new HashMap<>();

  public FileState(List<FileRange> ranges, int pieceSize) {
    this.ranges = List.copyOf(ranges);
    this.pieceSize = pieceSize;
    this.validators = Validators.NONE;
  }

  /** Restores a checkpoint: the pieces recorded done are trusted, the rest will be fetched. */
  public static FileState restore(
      List<FileRange> ranges,
      int pieceSize,
      Validators validators,
      byte[] pieces,
      String headers,
      boolean completed) {
    FileState state = new FileState(ranges, pieceSize);
    state.completed = completed;
    state.responseHeaders = headers == null ? "" : headers;
    if (validators.size() >= 0 && (ranges.isEmpty() || Layout.fits(ranges, validators.size()))) {
      state.validators = validators;
      state.pieces =
          new PieceMap(
              validators.size(),
              pieceSize,
              layoutFor(ranges, validators.size()),
              BitSet.valueOf(pieces == null ? new byte[0] : pieces));
      state.transferred = state.pieces.bytesDone();
    }
    return state;
  }

  static Layout layoutFor(List<FileRange> ranges, long size) {
    return ranges.isEmpty() ? Layout.wholeFile(size) : Layout.ranges(ranges, size);
  }

  public List<FileRange> ranges() {
    return ranges;
  }

  public int pieceSize() {
    return pieceSize;
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
      return pieces.layout().localSize();
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
  }

  public synchronized String responseHeaders() {
    return responseHeaders;
  }

  synchronized void setResponseHeaders(String headers) {
    responseHeaders = headers == null ? "" : headers;
  }

  /** A copy of the piece map, or null while the remote size is unknown. */
  public synchronized PieceMap pieces() {
    return pieces == null ? null : pieces.copy();
  }

  public synchronized byte[] pieceBits() {
    return pieces == null ? new byte[0] : pieces.toBytes();
  }

  /** Starts over for a new remote version: no piece is done any more. */
  public synchronized void resetTo(Validators current) {
    validators = current;
    pieces =
        current.size() >= 0
            ? PieceMap.empty(current.size(), pieceSize, layoutFor(ranges, current.size()))
            : null;
    transferred = 0;
    partial.clear();
    remainingInPiece.clear();
  }

  /** Forgets all progress (used for content that cannot be resumed). */
  public synchronized void forget() {
    validators = Validators.NONE;
    pieces = null;
    transferred = 0;
    partial.clear();
    remainingInPiece.clear();
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
        pieces.markDone(p);
        remainingInPiece.remove(p);
      } else {
        remainingInPiece.put(p, left);
      }
    }
    transferred += fresh;
    return fresh;
  }

  synchronized void addTransferred(long n) {
    transferred += n;
  }

  synchronized boolean markDone(int piece) {
    if (pieces.isDone(piece)) {
      return false;
    }
    pieces.markDone(piece);
    return true;
  }

  synchronized boolean isDone(int piece) {
    return pieces.isDone(piece);
  }

  /** Sets the total after a dynamic (size-less) download ended: every byte is done. */
  synchronized void finishDynamic(Validators finalVersion, long size) {
    validators = new Validators(size, finalVersion.etag(), finalVersion.lastModified());
    pieces = PieceMap.empty(size, pieceSize, Layout.wholeFile(size));
    for (int i = 0; size > 0 && i <= pieces.pieceOf(size - 1); i++) {
      pieces.markDone(i);
    }
    transferred = size;
  }
}
