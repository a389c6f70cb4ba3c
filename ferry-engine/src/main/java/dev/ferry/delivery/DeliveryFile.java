package dev.ferry.delivery;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.engine.integrity.DecryptionInfo;
import dev.ferry.engine.integrity.IntegrityCheckInfo;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.engine.job.FileExtension;
import dev.ferry.engine.job.FilePrep;
import dev.ferry.engine.job.FileView;
import dev.ferry.engine.piece.Span;
import dev.ferry.engine.transfer.ContentTransform;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Delivery Optimization adds to a file (IDeliveryOptimizationFile): its settings, persisted
 * ({@link DeliverySettings}), and the caller's sink, which lives in this process only. The engine
 * asks it whether the file may start, how its bytes are decrypted, and to fetch the piece-hash file
 * that checks them.
 */
final class DeliveryFile implements FileExtension {
  private static final Logger log = LoggerFactory.getLogger(DeliveryFile.class);

  /** The largest piece-hash file Ferry fetches: 32 bytes a piece for a 2 TiB file of 1 MiB. */
  static final int MAX_PIECE_HASH_FILE = 64 << 20;

  private volatile DeliverySettings settings;
  private volatile DownloadSink sink;
  private volatile ContentTransform transform;

  DeliveryFile(DeliverySettings settings) {
    this.settings = settings;
    this.transform = transformOf(settings);
  }

  /** The DO side of a file that has one, else null. */
  static DeliveryFile of(FileView file) {
    return file.extension() instanceof DeliveryFile delivery ? delivery : null;
  }

  /** The file's DO settings; {@link DeliverySettings#NONE} for a plain BITS file. */
  static DeliverySettings settingsOf(FileView file) {
    DeliveryFile delivery = of(file);
    return delivery == null ? DeliverySettings.NONE : delivery.settings();
  }

  /** The caller's sink of a file, or null. */
  static DownloadSink sinkOf(FileView file) {
    DeliveryFile delivery = of(file);
    return delivery == null ? null : delivery.sink();
  }

  /** A file's DO side with {@code settings} and {@code sink}. */
  static DeliveryFile with(DeliverySettings settings, DownloadSink sink) {
    DeliveryFile file = new DeliveryFile(settings);
    file.sink(sink);
    return file;
  }

  static DeliveryFile decode(String state) {
    return new DeliveryFile(DeliverySettings.decode(state));
  }

  DeliverySettings settings() {
    return settings;
  }

  void settings(DeliverySettings updated) {
    settings = updated;
    transform = transformOf(updated);
  }

  DownloadSink sink() {
    return sink;
  }

  void sink(DownloadSink newSink) {
    sink = newSink;
  }

  private static ContentTransform transformOf(DeliverySettings settings) {
    return settings.decryptionInfo() == null
        ? null
        : DecryptionInfo.parse(settings.decryptionInfo());
  }

  @Override
  public boolean rangesInPlace() {
    return settings.inPlace();
  }

  @Override
  public void checkReady(int fileIndex) {
    if (settings.sinkUnset()) {
      throw new FerryException(
          HResult.DO_E_FILE_DOWNLOADSINK_UNSPECIFIED,
          "file "
              + fileIndex
              + " has neither a sink path nor a sink interface; set one before resuming");
    }
  }

  /** A sink lived in the process that ended. */
  @Override
  public boolean keptAcrossRestart() {
    return !settings.sink();
  }

  @Override
  public ContentTransform transform() {
    return transform;
  }

  /**
   * When the file has IntegrityCheckInfo: fetches and checks its piece-hash file and makes the
   * file's pieces wait for it. A file whose check is mandatory does not start without it.
   */
  @Override
  public void beforeTransfer(FilePrep prep) throws TransferFailure {
    DeliverySettings current = settings;
    if (current.integrityCheckInfo() == null || prep.hasCheck()) {
      return;
    }
    boolean mandatory = Boolean.TRUE.equals(current.integrityCheckMandatory());
    PieceHashes hashes;
    if (current.pieceHashes() != null) {
      hashes = PieceHashes.parse(current.pieceHashes());
    } else {
      IntegrityCheckInfo info = IntegrityCheckInfo.parse(current.integrityCheckInfo());
      URI location = info.resolve(prep.remoteUrl());
      try {
        hashes = info.verify(prep.fetch(location, MAX_PIECE_HASH_FILE));
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
        log.atWarn()
            .addKeyValue("job", prep.jobId())
            .addKeyValue("file", prep.fileIndex())
            .log(
                "downloading without integrity checks; the piece-hash file {} could not be had: {}",
                location,
                e.getMessage());
        return;
      }
    }
    prep.useCheck(hashes);
    settings(
        current.withIntegrity(
            current.integrityCheckInfo(), current.integrityCheckMandatory(), hashes.encode()));
    prep.save();
  }

  /** Hands the sink its bytes once they are all verified, range by range in offset order. */
  @Override
  public void transferred(Path written, List<Span> wanted) throws TransferFailure {
    DownloadSink target = sink;
    if (target == null) {
      return;
    }
    try (FileChannel in = FileChannel.open(written, StandardOpenOption.READ)) {
      for (Span span : wanted) {
        SinkCopy.copy(in, target, span);
      }
    } catch (IOException e) {
      throw TransferFailure.fatal(
          HResult.ERROR_WRITE_FAULT,
          ErrorContext.LOCAL_FILE,
          null,
          "the sink of " + written.getFileName() + " failed: " + e.getMessage());
    }
  }

  @Override
  public String encode() {
    DeliverySettings current = settings;
    return current.equals(DeliverySettings.NONE) ? null : current.encode();
  }
}
