package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies response bodies into place: read into the connection's buffer, pace, decrypt each byte
 * from its remote offset, write the wanted parts at their local positions, account the pieces,
 * verify those just filled, and let a checkpoint start when one is due. Touches the shared state
 * once per buffer, never per byte.
 */
record CopyLoop(
    TransferContext transfer, FileSink sink, PieceVerifier verifier, Checkpointer checkpointer) {
  /**
   * Copies a response body into place until its segment's end, which other connections may pull in
   * while this one runs; bytes past that end are left to whoever took them.
   */
  void copyBody(
      Source source, SourceResponse response, Segments.Segment segment, long bodyEnd, byte[] buf)
      throws TransferFailure, SourceBroke, IOException {
    FileState state = transfer.state();
    StopSignal stop = transfer.stop();
    PieceMap geometry = state.pieces();
    List<Span> wanted = geometry.layout().wanted();
    boolean verifying = verifier.active();
    boolean verified = verifying && response.verifiedAgainst(state.check());
    InputStream in = response.body();
    ResponseKinds kinds = new ResponseKinds(source.kind());
    long remote = segment.cursor();
    while (remote < Math.min(segment.end(), bodyEnd)) {
      if (stop.isStopped()) {
        return;
      }
      long end = Math.min(segment.end(), bodyEnd);
      int n = readPaced(source, response, kinds, in, buf, (int) Math.min(buf.length, end - remote));
      if (n < 0 && stop.isStopped()) {
        return;
      }
      if (n < 0) {
        throw new SourceBroke(
            TransferFailure.transientFailure(
                HResult.BG_E_CONNECTION_CLOSED,
                ErrorContext.GENERAL_TRANSPORT,
                source.protocol(),
                "the connection ended " + (end - remote) + " bytes early",
                null));
      }
      // Only as far as the segment reaches now: a connection that took over its rest while the
      // read ran writes those bytes itself.
      long upTo = segment.take(remote, remote + n);
      Span chunk = new Span(remote, upTo);
      long fresh = 0;
      for (int i = 0; i < wanted.size(); i++) {
        Span part = chunk.intersect(wanted.get(i));
        if (part.isEmpty()) {
          continue;
        }
        write(
            buf,
            (int) (part.start() - remote),
            (int) part.length(),
            geometry.layout().localOffset(i, part.start()),
            part.start());
        if (verifying) {
          // Before the piece can count as filled, so whoever verifies it knows who sent it.
          verifier.wrote(source, part, geometry, verified);
        }
        fresh += state.account(part);
      }
      verifier.verifyFilled(geometry);
      if (fresh > 0) {
        transfer.listener().progressed(fresh);
      }
      remote = upTo;
      segment.advanceTo(remote);
      checkpointer.maybeCheckpoint();
    }
    if (remote >= bodyEnd) {
      response.consumed();
    }
  }

  /** Copies a body of unknown size (DYNAMIC_CONTENT) from the start, then cuts the file there. */
  void copyDynamic(Source source, SourceResponse response, byte[] buf)
      throws TransferFailure, SourceBroke, IOException {
    InputStream in = response.body();
    ResponseKinds kinds = new ResponseKinds(source.kind());
    long position = 0;
    while (!transfer.stop().isStopped()) {
      int n = readPaced(source, response, kinds, in, buf, buf.length);
      if (n < 0) {
        if (transfer.stop().isStopped()) {
          return;
        }
        sink.truncate(position);
        transfer.state().finishDynamic(response.validators(), position);
        return;
      }
      write(buf, 0, n, position, position);
      position += n;
      transfer.state().addTransferred(n);
      transfer.listener().progressed(n);
    }
  }

  /**
   * Reads at most {@code most} bytes (and no more than the bandwidth policy's chunk), counts them
   * and waits as the policy asks; -1 at the end of the body or once the read failed after a stop.
   */
  private int readPaced(
      Source source,
      SourceResponse response,
      ResponseKinds kinds,
      InputStream in,
      byte[] buf,
      int most)
      throws SourceBroke {
    Throttle throttle = transfer.settings().throttle();
    int n;
    try {
      n = in.read(buf, 0, Math.min(most, throttle.chunkLimit()));
    } catch (IOException e) {
      if (transfer.stop().isStopped()) {
        return -1;
      }
      throw new SourceBroke(source.classify(e, "reading the response"));
    }
    if (n > 0) {
      transfer.received(kinds.ofRead(response, transfer.state()), n);
      transfer.planner().received(source, n);
      try {
        throttle.pass(n);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        transfer.stop().stop();
      }
    }
    return n;
  }

  /**
   * The kinds of place one response's bytes came from ({@link SourceResponse#kindOfLastRead}), so
   * that the response counts once as a connection of each: the first kind takes over the connection
   * counted as the source's when the response opened, each further kind adds one.
   */
  private static final class ResponseKinds {
    private final SourceKind own;
    private SourceKind last;
    private final List<SourceKind> seen = new ArrayList<>(2);

    ResponseKinds(SourceKind own) {
      this.own = own;
    }

    SourceKind ofRead(SourceResponse response, FileState state) {
      SourceKind kind = response.kindOfLastRead(own);
      if (kind.equals(last)) {
        return kind;
      }
      last = kind;
      if (!seen.contains(kind)) {
        if (seen.isEmpty()) {
          if (!kind.equals(own)) {
            state.reattributed(own, kind);
          }
        } else {
          state.opened(kind, "");
        }
        seen.add(kind);
      }
      return kind;
    }
  }

  private void write(byte[] buf, int offset, int length, long position, long remoteOffset)
      throws TransferFailure {
    ContentTransform transform = transfer.settings().transform();
    if (transform != null) {
      transform.apply(buf, offset, length, remoteOffset);
    }
    sink.write(buf, offset, length, position);
  }
}
