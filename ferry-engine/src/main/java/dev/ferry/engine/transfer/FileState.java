package dev.ferry.engine.transfer;

import dev.ferry.api.FileRange;
import dev.ferry.engine.piece.Layout;
import dev.ferry.engine.piece.PieceMap;
import java.util.BitSet;
import java.util.List;

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
  synchronized void resetTo(Validators current) {
    validators = current;
    pieces =
        current.size() >= 0
            ? PieceMap.empty(current.size(), pieceSize, layoutFor(ranges, current.size()))
            : null;
    transferred = 0;
  }

  /** Forgets all progress (used for content that cannot be resumed). */
  public synchronized void forget() {
    validators = Validators.NONE;
    pieces = null;
    transferred = 0;
  }

    /** Counts only the bytes of done pieces, forgetting those of unfinished ones. */
  synchronized void rewindToCheckpoint() {
    transferred = pieces == null ? 0 : pieces.bytesDone();
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
