package dev.ferry.engine;

import dev.ferry.spi.FileRef;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.TransferEvents;
import dev.ferry.spi.TransferFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Transfer events as a test reads them: counts by kind of source, pieces, concurrency. */
final class RecordedEvents implements TransferEvents {
  /** A piece's verdict and the kind of source blamed or credited. */
  record Piece(int index, SourceKind kind, boolean verified) {}

  private final Map<SourceKind, LongAdder> bytes = new ConcurrentHashMap<>();
  private final Map<SourceKind, AtomicInteger> opened = new ConcurrentHashMap<>();
  private final Map<SourceKind, AtomicInteger> failed = new ConcurrentHashMap<>();
  final List<Piece> pieces = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger mostOpen = new AtomicInteger();

  @Override
  public void sourceOpened(FileRef file, SourceKind kind, long start, long end) {
    opened.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
  }

  @Override
  public void sourceClosed(FileRef file, SourceKind kind) {
    open.decrementAndGet();
  }

  @Override
  public void sourceFailed(FileRef file, SourceKind kind, TransferFailure failure) {
    failed.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void bytesReceived(FileRef file, SourceKind kind, long count) {
    bytes.computeIfAbsent(kind, k -> new LongAdder()).add(count);
  }

  @Override
  public void pieceVerified(FileRef file, int piece, SourceKind kind) {
    pieces.add(new Piece(piece, kind, true));
  }

  @Override
  public void pieceRejected(FileRef file, int piece, SourceKind kind) {
    pieces.add(new Piece(piece, kind, false));
  }

  long bytes(SourceKind kind) {
    LongAdder sum = bytes.get(kind);
    return sum == null ? 0 : sum.sum();
  }

  int opened(SourceKind kind) {
    AtomicInteger n = opened.get(kind);
    return n == null ? 0 : n.get();
  }

  int failed(SourceKind kind) {
    AtomicInteger n = failed.get(kind);
    return n == null ? 0 : n.get();
  }

  /** The most responses that were open at once: the connections the client itself used. */
  int mostOpen() {
    return mostOpen.get();
  }

  List<Piece> rejected() {
    return pieces.stream().filter(p -> !p.verified()).toList();
  }
}
