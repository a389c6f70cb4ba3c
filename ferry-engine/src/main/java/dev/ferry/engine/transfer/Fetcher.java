package dev.ferry.engine.transfer;

import dev.ferry.spi.Source;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetches claimed parts of one file over connections of their own, and tells who listens when the
 * source fails.
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
   * Fetches one claimed segment over a connection of its own.
   *
   * @throws TransferFailure when the source failed
   */
  void fetch(Segments.Segment segment, byte[] buf) throws TransferFailure {
    FileState state = transfer.state();
    StopSignal stop = transfer.stop();
    Source source = transfer.source();
    SourceRequest request = request(segment.cursor(), segment.end());
    SourceResponse response;
    try {
      response = source.open(request);
    } catch (TransferFailure failure) {
      throw failed(failure);
    }
    transfer.opened(source, request);
    stop.attach(response);
    try {
      if (!ResponseCheck.sameBytes(state, request, response)) {
        // The server ignored the range or the file changed: the main loop sorts that out alone.
        originIgnoredRange.set(true);
        return;
      }
      long length = response.length() >= 0 ? response.length() : segment.end() - response.start();
      copier.copyBody(source, response, segment, response.start() + length, buf);
    } catch (IOException e) {
      throw failed(source.classify(e, "reading the response"));
    } catch (SourceBroke broke) {
      throw failed(broke.failure());
    } finally {
      stop.detach(response);
      response.close();
      transfer.events().sourceClosed(transfer.file(), source.kind());
    }
  }

  /** The source failed: the listener hears it. */
  TransferFailure failed(TransferFailure failure) {
    transfer.events().sourceFailed(transfer.file(), transfer.source().kind(), failure);
    return failure;
  }
}
