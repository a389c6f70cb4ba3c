package dev.ferry.spi;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open response body. {@code start} is the remote offset of its first byte: the one asked for,
 * or 0 when the source sent the whole file instead.
 */
public interface SourceResponse extends AutoCloseable {
  long start();

  /** The number of body bytes announced, or -1 when unknown. */
  long length();

  /** The current version of the remote file; its size is -1 when the source did not say. */
  Validators validators();

  /** The complete response header block (for File5's HTTP_RESPONSE_HEADERS), or "". */
  String headerBlock();

  /** The status code, server address and redirect target, where the source has them. */
  default ResponseInfo info() {
    return ResponseInfo.NONE;
  }

  /**
   * The place that answered, where the source stands for several (the cache host, as DO reports
   * it), or "": a host name or address with its port.
   */
  default String place() {
    return "";
  }

  InputStream body() throws IOException;

  /**
   * Pieces of the file that the source received for this response, found bad against the file's
   * content and threw away before they reached the engine (a swarm checks each piece as it comes
   * and fetches it again): read once the response is closed, and counted as the file's rejected
   * pieces. 0 by default.
   */
  default int piecesDiscarded() {
    return 0;
  }

  /**
   * Whether every byte of the body comes from pieces that passed {@code check} (the file's) before
   * they reached the engine, as a swarm's pieces do: the engine then counts the pieces this body
   * fills in full as verified without reading them back. False by default.
   */
  default boolean verifiedAgainst(PieceCheck check) {
    return false;
  }

  /**
   * The kind of place the bytes of the body's last read came from: {@code own}, the source's kind,
   * unless the response gathers bytes from places of several kinds, as peers on this network and
   * beyond it. The statistics count each read under the kind it names.
   */
  default SourceKind kindOfLastRead(SourceKind own) {
    return own;
  }

  /** The caller read the whole body: the connection may serve another request. */
  default void consumed() {}

  /** Stops the transfer from another thread, unblocking a read in progress. */
  void abort();

  @Override
  void close();

  /**
   * A response over a stream that closing ends, with no header block: what a source that reads from
   * memory, a file or a stream of its own needs.
   */
  static SourceResponse of(long start, long length, Validators validators, InputStream body) {
    return new SimpleResponse(start, length, validators, body);
  }
}
