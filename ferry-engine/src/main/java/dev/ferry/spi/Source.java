package dev.ferry.spi;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Something that can deliver bytes of a remote file: the origin over HTTP, a local file, and
 * further kinds (cache servers, peers) as they arrive. Sources fill the same piece map, so the job
 * model does not change when sources are added, and nothing in the copy path knows which protocol a
 * source speaks.
 */
public interface Source {
  /** What kind of place this is, for the statistics and the order sources are asked in. */
  SourceKind kind();

  /** The protocol name reported by IBackgroundCopyError::GetProtocol ("http", "file"…). */
  String protocol();

  /**
   * Opens the bytes asked for. The response may start at 0 instead of the requested offset (a
   * server that ignores Range); the caller decides what that means.
   *
   * @throws RangeNotSatisfiable when the request starts past the end of the remote file
   * @throws TransferFailure for every other failure, classified (transient or fatal, HRESULT)
   */
  SourceResponse open(SourceRequest request) throws TransferFailure;

  /** Classifies a failure to read a body this source opened; {@code doing} says what failed. */
  TransferFailure classify(IOException e, String doing);

  /**
   * The modification time the validators of this source's responses carry, for the finished file to
   * keep, as downloaders do; empty when there is none.
   */
  default Optional<Instant> modificationTime(Validators validators) {
    return Optional.empty();
  }
}
