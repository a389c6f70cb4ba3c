package dev.ferry.engine.job;

import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.TransferFailure;
import java.net.URI;
import java.util.UUID;

/** What a {@link FileExtension} may do to prepare its file's transfer. */
public interface FilePrep {
  UUID jobId();

  int fileIndex();

  /** The file's URL. */
  String remoteUrl();

  /** Whether the file's pieces are already checked. */
  boolean hasCheck();

  /**
   * Reads a small resource (a piece-hash file) through the sources of the file's URL, with the
   * job's custom headers and proxy.
   *
   * @throws TransferFailure when it cannot be read, or is longer than {@code maxBytes}
   */
  byte[] fetch(URI uri, int maxBytes) throws TransferFailure;

  /**
   * Checks every piece against {@code check} before it counts; what was written without the check
   * is fetched again when the check's piece size differs from the file's.
   */
  void useCheck(PieceCheck check);

  /** Persists the file's extension state, which changed. */
  void save();
}
