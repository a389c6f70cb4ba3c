package dev.ferry.engine.job;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.transfer.FileTransfer;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches and checks a file's piece-hash file (DO's IntegrityCheckInfo) before its transfer, so
 * that every piece is verified before it counts.
 */
final class IntegrityPrefetch {
  private static final Logger log = LoggerFactory.getLogger(IntegrityPrefetch.class);

  /** The largest piece-hash file Ferry fetches: 32 bytes a piece for a 2 TiB file of 1 MiB. */
  private static final int MAX_PIECE_HASH_FILE = 64 << 20;

  private final JobEngine engine;

  IntegrityPrefetch(JobEngine engine) {
    this.engine = engine;
  }

  /**
   * Before a file transfers: when it has IntegrityCheckInfo, fetches and checks its piece-hash file
   * (on the runner's thread, outside the lock) and makes the file's pieces wait for it. A file
   * whose check is mandatory does not start without it.
   */
  void prepare(Job job, JobFile file, FileTransfer.Settings settings) throws TransferFailure {
    DeliverySettings delivery = engine.locked(() -> file.delivery);
    if (delivery.integrityCheckInfo() == null || file.state.hasCheck()) {
      return;
    }
    boolean mandatory = Boolean.TRUE.equals(delivery.integrityCheckMandatory());
    dev.ferry.engine.integrity.PieceHashes hashes;
    if (delivery.pieceHashes() != null) {
      hashes = dev.ferry.engine.integrity.PieceHashes.parse(delivery.pieceHashes());
    } else {
      var info = dev.ferry.engine.integrity.IntegrityCheckInfo.parse(delivery.integrityCheckInfo());
      URI location = info.resolve(file.remoteUrl);
      try {
        hashes = info.verify(fetchSmall(location, settings));
      } catch (IllegalArgumentException | TransferFailure e) {
        if (e instanceof TransferFailure failure && failure.isTransient() && mandatory) {
          throw failure;
        }
        if (mandatory) {
          throw TransferFailure.fatal(
              HResult.DO_E_INTEGRITYCHECKINFO_UNAVAILABLE,
              ErrorContext.REMOTE_FILE,
              location.getScheme(),
              "the piece-hash file " + location + " could not be had: " + e.getMessage());
        }
        log.warn(
            "job {} file {}: downloading without integrity checks; the piece-hash file {} could not be had: {}",
            job.id,
            file.index,
            location,
            e.getMessage());
        return;
      }
    }
    if (file.state.pieceSize() != hashes.pieceSize() && file.state.bytesTransferred() > 0) {
      // Bytes written before the hashes were known cannot be checked piece by piece: fetch again.
      file.state.forget();
    }
    file.state.useCheck(hashes);
    byte[] encoded = hashes.encode();
    engine.lock.lock();
    try {
      file.delivery =
          file.delivery.withIntegrity(
              delivery.integrityCheckInfo(), delivery.integrityCheckMandatory(), encoded);
      if (engine.isListed(job)) {
        engine.store.updateFile(file.toRow(job.id));
      }
    } finally {
      engine.lock.unlock();
    }
  }

  private byte[] fetchSmall(URI uri, FileTransfer.Settings settings) throws TransferFailure {
    Source source = engine.sourceFor(uri);
    try (SourceResponse response =
        source.open(
            new SourceRequest(
                uri, 0, -1, Validators.NONE, settings.customHeaders(), settings.proxy()))) {
      byte[] body = response.body().readNBytes(MAX_PIECE_HASH_FILE + 1);
      if (body.length > MAX_PIECE_HASH_FILE) {
        throw new IllegalArgumentException("the piece-hash file is larger than 64 MiB");
      }
      response.consumed();
      return body;
    } catch (java.io.IOException e) {
      throw TransferFailure.transientFailure(
          HResult.ERROR_READ_FAULT,
          ErrorContext.REMOTE_FILE,
          uri.getScheme(),
          "reading the piece-hash file: " + e.getMessage(),
          e);
    }
  }
}
