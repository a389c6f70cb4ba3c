package dev.ferry.engine.transfer;

import dev.ferry.spi.TransferFailure;

/**
 * A source failed while its bytes were copied (a read failed, the body ended early), as opposed to
 * everything else that can stop a copy (the disk, the job's limits, a stop). The connection decides
 * what it means: the file's failure when the source is its origin, a reason to ask another source
 * otherwise.
 */
final class SourceBroke extends Exception {
  private static final long serialVersionUID = 1L;

  SourceBroke(TransferFailure failure) {
    super(failure.getMessage(), failure, false, false);
  }

  TransferFailure failure() {
    return (TransferFailure) getCause();
  }
}
