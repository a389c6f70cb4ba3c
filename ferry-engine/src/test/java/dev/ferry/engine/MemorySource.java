package dev.ferry.engine;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A toy third kind of source, for tests only: it holds the first {@code has} bytes of a file in
 * memory (as a peer holds some of its pieces) and serves them for whatever version it is asked for.
 * It can be told to fail every request, or to serve one piece (of {@code pieceSize} bytes) a
 * request, as a peer does, with one byte flipped in each of the pieces {@code corrupt}.
 */
record MemorySource(
    SourceKind kind,
    String protocol,
    byte[] content,
    long has,
    boolean failing,
    Set<Integer> corrupt,
    int pieceSize,
    AtomicInteger requests,
    int limit)
    implements Source {
  static final SourceKind KIND = new SourceKind("memory");

  private MemorySource(
      byte[] content, long has, boolean failing, Set<Integer> corrupt, int pieceSize) {
    this(
        KIND,
        "memory",
        content,
        has,
        failing,
        corrupt,
        pieceSize,
        new AtomicInteger(),
        Integer.MAX_VALUE);
  }

  /** The same source, asked for at most {@code connections} requests of a file at once. */
  MemorySource limitedTo(int connections) {
    return new MemorySource(
        kind, protocol, content, has, failing, corrupt, pieceSize, requests, connections);
  }

  @Override
  public int connectionLimit() {
    return limit;
  }

  /** Serves the first {@code has} bytes of {@code content} as they are. */
  static MemorySource holding(byte[] content, long has) {
    return new MemorySource(content, has, false, Set.of(), 1);
  }

  /** Has the first {@code has} bytes but fails every request for them. */
  static MemorySource failing(byte[] content, long has) {
    return new MemorySource(content, has, true, Set.of(), 1);
  }

  /**
   * Serves the first {@code has} bytes one piece a request, with one byte flipped in each of the
   * pieces {@code bad}.
   */
  static MemorySource corrupting(byte[] content, long has, int pieceSize, Set<Integer> bad) {
    return new MemorySource(content, has, false, bad, pieceSize);
  }

  /** The requests it answered or refused. */
  int opened() {
    return requests.get();
  }

  @Override
  public long available(URI uri, long offset) {
    long left = Math.max(0, has - offset);
    return corrupt.isEmpty() ? left : Math.min(left, pieceSize - offset % pieceSize);
  }

  @Override
  public SourceResponse open(SourceRequest request) throws TransferFailure {
    requests.incrementAndGet();
    if (failing) {
      throw TransferFailure.transientFailure(
          HResult.BG_E_CONNECTION_CLOSED,
          ErrorContext.GENERAL_TRANSPORT,
          protocol,
          "this toy source fails on purpose",
          null);
    }
    long start = request.start();
    long end = Math.min(request.end() < 0 ? has : request.end(), has);
    byte[] body = Arrays.copyOfRange(content, (int) start, (int) end);
    for (int piece : corrupt) {
      long at = (long) piece * pieceSize + 5;
      if (start <= at && at < end) {
        body[(int) (at - start)] ^= 0x5a;
      }
    }
    return SourceResponse.of(start, body.length, request.known(), new ByteArrayInputStream(body));
  }

  @Override
  public TransferFailure classify(IOException e, String doing) {
    return TransferFailure.transientFailure(
        HResult.ERROR_READ_FAULT, ErrorContext.REMOTE_FILE, protocol, doing, e);
  }
}
