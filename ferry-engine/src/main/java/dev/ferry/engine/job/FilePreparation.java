package dev.ferry.engine.job;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.transfer.FileTransfer;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceProvider;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * Lets a file's extension prepare the file's transfer ({@link FileExtension#beforeTransfer}): DO
 * fetches the piece-hash file that checks the pieces. Runs on the runner's thread, outside the
 * engine's lock but for the moments it records what changed.
 */
final class FilePreparation implements FilePrep {
  private final JobEngine engine;
  private final Job job;
  private final JobFile file;
  private final FileTransfer.Settings settings;

  private FilePreparation(JobEngine engine, Job job, JobFile file, FileTransfer.Settings settings) {
    this.engine = engine;
    this.job = job;
    this.file = file;
    this.settings = settings;
  }

  /**
   * Before a file transfers: whatever its extension needs first; then, where nothing checks its
   * pieces yet, the check of the first source provider that knows its content ({@link
   * SourceProvider#pieceCheck}: peers share content by a description with hashes).
   */
  static void prepare(
      JobEngine engine, Job job, JobFile file, FileTransfer.Settings settings, FileRef ref)
      throws TransferFailure {
    FileExtension extension = engine.locked(() -> file.extension);
    FilePreparation prep = new FilePreparation(engine, job, file, settings);
    extension.beforeTransfer(prep);
    for (SourceProvider provider : engine.providers) {
      if (prep.hasCheck()) {
        return;
      }
      Optional<PieceCheck> check = provider.pieceCheck(ref);
      if (check.isPresent()) {
        prep.useCheck(check.get());
      }
    }
  }

  @Override
  public UUID jobId() {
    return job.id;
  }

  @Override
  public int fileIndex() {
    return file.index;
  }

  @Override
  public String remoteUrl() {
    return engine.locked(() -> file.remoteUrl);
  }

  @Override
  public boolean hasCheck() {
    return file.state.hasCheck();
  }

  @Override
  public byte[] fetch(URI uri, int maxBytes) throws TransferFailure {
    Source source = engine.sourceFor(uri);
    try (SourceResponse response =
        source.open(
            new SourceRequest(
                uri, 0, -1, Validators.NONE, settings.customHeaders(), settings.proxy()))) {
      byte[] body = response.body().readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw TransferFailure.fatal(
            HResult.BG_E_INVALID_SERVER_RESPONSE,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            uri + " is larger than " + maxBytes + " bytes");
      }
      response.consumed();
      return body;
    } catch (IOException e) {
      throw TransferFailure.transientFailure(
          HResult.ERROR_READ_FAULT,
          ErrorContext.REMOTE_FILE,
          uri.getScheme(),
          "reading " + uri + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void useCheck(PieceCheck check) {
    if (file.state.pieceSize() != check.pieceSize() && file.state.bytesTransferred() > 0) {
      // Bytes written before the check was known cannot be checked piece by piece: fetch again.
      file.state.forget();
    }
    file.state.useCheck(check);
  }

  @Override
  public void save() {
    engine.lock.lock();
    try {
      if (engine.isListed(job)) {
        engine.store.updateFile(file.toRow(job.id));
      }
    } finally {
      engine.lock.unlock();
    }
  }
}
