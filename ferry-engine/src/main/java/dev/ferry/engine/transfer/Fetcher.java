package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.spi.OriginHeldOff;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetches claimed parts of one file, each from the source the {@link SourcePlanner} picks for it,
 * and routes a source's failures: the origin's are the file's, another source's go to the planner,
 * which asks elsewhere next time (the part goes back to be claimed again).
 *
 * @param originIgnoredRange set when the origin ignored a range or answered with another version:
 *     the rest goes over one connection
 */
record Fetcher(TransferContext transfer, CopyLoop copier, AtomicBoolean originIgnoredRange) {
  Fetcher(TransferContext transfer, CopyLoop copier) {
    this(transfer, copier, new AtomicBoolean());
  }

  /** Whether a connection saw the origin ignore a range, or send another version. */
  boolean singleConnection() {
    return originIgnoredRange.get();
  }

  /** A request for remote bytes {@code [start, end)} ({@code end} -1: to the end) of the file. */
  SourceRequest request(long start, long end) {
    FileTransfer.Settings settings = transfer.settings();
    return new SourceRequest(
        settings.uri(),
        start,
        end,
        transfer.state().validators(),
        settings.customHeaders(),
        settings.proxy());
  }

  /**
   * Fetches one claimed segment over a connection of its own, from the source the planner picks
   * (the segment shrinks to what that source has).
   *
   * @throws TransferFailure when the origin failed
   */
  void fetch(Segments.Segment segment, byte[] buf) throws TransferFailure {
    FileState state = transfer.state();
    StopSignal stop = transfer.stop();
    SourcePlanner.Assignment next =
        transfer
            .planner()
            .hold(segment.cursor(), segment.end(), state.remoteSize(), state.pieceSize());
    if (next.waits()) {
      // The origin is held back and the others are busy: the part goes back to be claimed again.
      transfer.planner().awaitChange();
      return;
    }
    Source source = next.source();
    try {
      fetch(segment, next, buf);
    } finally {
      transfer.planner().release(source);
    }
  }

  /**
   * Fetches one claimed segment from the origin, whatever else could serve it: the origin's own
   * connection beside the others ({@link SourcePlanner#originBeside}).
   *
   * @throws TransferFailure when the origin failed
   */
  void fetchFromOrigin(Segments.Segment segment, byte[] buf) throws TransferFailure {
    Source origin = transfer.planner().origin();
    fetch(segment, new SourcePlanner.Assignment(origin, segment.cursor(), segment.end()), buf);
  }

  private void fetch(Segments.Segment segment, SourcePlanner.Assignment next, byte[] buf)
      throws TransferFailure {
    FileState state = transfer.state();
    StopSignal stop = transfer.stop();
    transfer.segments().trim(segment, next.end());
    Source source = next.source();
    SourceRequest request = request(segment.cursor(), segment.end());
    SourceResponse response;
    try {
      response = source.open(request);
    } catch (TransferFailure failure) {
      failed(source, failure);
      return;
    }
    transfer.opened(source, request, response);
    stop.attach(response);
    try {
      transfer.listener().connected();
      if (!ResponseCheck.sameBytes(state, request, response)) {
        if (transfer.planner().isOrigin(source)) {
          // The server ignored the range or the file changed: the main loop sorts that out alone.
          originIgnoredRange.set(true);
        } else {
          sourceFailed(source, otherBytes(source));
        }
        return;
      }
      long length = response.length() >= 0 ? response.length() : segment.end() - response.start();
      copier.copyBody(source, response, segment, response.start() + length, buf);
    } catch (IOException e) {
      failed(source, source.classify(e, "reading the response"));
    } catch (SourceBroke broke) {
      failed(source, broke.failure());
    } finally {
      stop.detach(response);
      response.close();
      transfer.closed(source, response);
    }
  }

  /**
   * A source failed: the file's failure when it is the origin or holds the origin off ({@link
   * OriginHeldOff}), else the planner's to weigh.
   */
  void failed(Source source, TransferFailure failure) throws TransferFailure {
    sourceFailed(source, failure);
    if (transfer.planner().isOrigin(source) || failure instanceof OriginHeldOff) {
      throw failure;
    }
  }

  /** Tells the listeners and the planner that {@code source} failed. */
  void sourceFailed(Source source, TransferFailure failure) {
    transfer.events().sourceFailed(transfer.file(), source.kind(), failure);
    transfer.planner().failed(source, failure);
  }

  /** A source other than the origin answered for other bytes or another version. */
  static TransferFailure otherBytes(Source source) {
    return TransferFailure.transientFailure(
        HResult.BG_E_INVALID_SERVER_RESPONSE,
        ErrorContext.REMOTE_FILE,
        source.protocol(),
        "the " + source.kind() + " source sent other bytes, or another version, than asked for",
        null);
  }
}
