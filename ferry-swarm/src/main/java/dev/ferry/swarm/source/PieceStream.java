package dev.ferry.swarm.source;

import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.session.TorrentSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bytes {@code [start, end)} of a torrent's file as a stream, in order, from the verified pieces a
 * session fetches from peers. It keeps a window of pieces wanted ahead of the one being read, so
 * that the session can spread them over its peers (rarest first among them) while the engine copies
 * in order; the piece a read waits on is hurried ({@link TorrentSession#hurry}). A piece that does
 * not come within the timeout, or that no peer could send for a while (those that have it choke
 * this machine), ends the stream: {@link Stalled} if other pieces came meanwhile, and the engine
 * asks other sources for that piece; a plain timeout if nothing came at all.
 */
final class PieceStream extends InputStream {
  private final TorrentSession session;
  private final int pieceSize;
  private final long end;
  private final int window;
  private final Duration timeout;
  private final Duration lackAfter;

  /** How often a read that waits looks whether a peer could send the piece. */
  private static final long SLICE = TimeUnit.SECONDS.toNanos(1);

  private final ArrayDeque<CompletableFuture<ByteBuffer>> ahead = new ArrayDeque<>();
  private long position;
  private int nextPiece;
  private final int lastPiece;
  private ByteBuffer current;

  /** The kind of peer that sent most of the piece {@link #current} is of. */
  private volatile SourceKind currentKind = SourceKind.PEER;

  private volatile boolean aborted;

  /** The piece a read waits for, so that {@link #abort} from another thread ends the wait. */
  private volatile CompletableFuture<ByteBuffer> waiting;

  /**
   * @param timeout how long a read waits for a piece at most
   * @param lackAfter how long a read waits for a piece no peer could send (none that has it
   *     unchokes this machine) while others come, before it ends the stream ({@link Stalled})
   */
  PieceStream(
      TorrentSession session,
      long start,
      long end,
      int window,
      Duration timeout,
      Duration lackAfter) {
    this.session = session;
    this.lackAfter = lackAfter;
    this.pieceSize = session.torrent().pieceLength();
    this.position = start;
    this.end = end;
    this.window = window;
    this.timeout = timeout;
    this.nextPiece = (int) (start / pieceSize);
    this.lastPiece = end > start ? (int) ((end - 1) / pieceSize) : nextPiece - 1;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    if (current == null || !current.hasRemaining()) {
      current = nextBuffer();
      currentKind = session.kindOf((int) (position / pieceSize));
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    position += n;
    return n;
  }

  /** The rest of the piece {@code position} lies in, from {@code position}. */
  private ByteBuffer nextBuffer() throws IOException {
    fill();
    CompletableFuture<ByteBuffer> head;
    synchronized (this) {
      head = ahead.pollFirst();
    }
    if (head == null) {
      throw new IOException("the stream was aborted");
    }
    waiting = head;
    if (aborted) {
      head.cancel(true);
    } else if (!head.isDone()) {
      session.hurry((int) (position / pieceSize));
    }
    ByteBuffer piece;
    try {
      piece = awaitHead(head, (int) (position / pieceSize));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for piece " + position / pieceSize);
    } catch (CancellationException e) {
      throw new IOException("the stream was aborted");
    } catch (ExecutionException e) {
      throw new IOException(
          "peers could not serve piece " + position / pieceSize + ": " + e.getCause().getMessage(),
          e.getCause());
    }
    if (aborted) {
      throw new IOException("the stream was aborted");
    }
    ByteBuffer view = piece.duplicate();
    long pieceStart = (position / pieceSize) * pieceSize;
    view.position((int) (position - pieceStart));
    long pieceEnd = pieceStart + view.limit();
    if (pieceEnd > end) {
      view.limit((int) (end - pieceStart));
    }
    fill();
    return view;
  }

  /**
   * The piece a read waits on, {@code index}: within the timeout, or until no peer could send it
   * for {@link #lackAfter} while others came.
   */
  private ByteBuffer awaitHead(CompletableFuture<ByteBuffer> head, int index)
      throws IOException, InterruptedException, ExecutionException {
    long takenBefore = session.bytesTakenIn();
    long start = System.nanoTime();
    long slice = Math.min(SLICE, lackAfter.toNanos());
    long unsentSince = -1;
    while (true) {
      long left = timeout.toNanos() - (System.nanoTime() - start);
      String why;
      if (left <= 0) {
        why = "within " + timeout.toSeconds() + " s";
      } else {
        try {
          return head.get(Math.min(left, slice), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          long now = System.nanoTime();
          if (session.anyoneSends(index)) {
            unsentSince = -1;
            continue;
          }
          unsentSince = unsentSince < 0 ? now : unsentSince;
          if (now - unsentSince < lackAfter.toNanos() || session.bytesTakenIn() <= takenBefore) {
            continue;
          }
          why =
              "for " + lackAfter.toSeconds() + " s, and no peer that has it unchokes this machine";
        }
      }
      // Told before the piece is withdrawn, which forgets what became of its blocks.
      String message =
          "no peer sent piece " + index + " " + why + " (" + session.holders(index) + ")";
      boolean othersCame = session.bytesTakenIn() > takenBefore;
      head.cancel(true);
      throw othersCame ? new Stalled(position, message) : new SocketTimeoutException(message);
    }
  }

  /**
   * No peer sent the piece a read waited on, while other pieces came: the peers lack that one for
   * now ({@link dev.ferry.spi.SourceLacks}), they are not gone.
   */
  static final class Stalled extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    /** The byte the read waited on. */
    final long offset;

    Stalled(long offset, String message) {
      super(message);
      this.offset = offset;
    }
  }

  /** Wants the pieces of the window that are not wanted yet. */
  private synchronized void fill() {
    while (!aborted && ahead.size() < window && nextPiece <= lastPiece) {
      ahead.addLast(session.fetch(nextPiece++));
    }
  }

  /** The kind of peer that sent most of the piece the last read was of. */
  SourceKind kindOfLastRead() {
    return currentKind;
  }

  TorrentSession session() {
    return session;
  }

  /** Withdraws every piece still wanted; a read in progress ends with an IOException. */
  void abort() {
    aborted = true;
    CompletableFuture<ByteBuffer> awaited = waiting;
    if (awaited != null) {
      awaited.cancel(true);
    }
    synchronized (this) {
      for (CompletableFuture<ByteBuffer> wanted : ahead) {
        wanted.cancel(true);
      }
      ahead.clear();
    }
  }

  @Override
  public void close() {
    abort();
  }
}
