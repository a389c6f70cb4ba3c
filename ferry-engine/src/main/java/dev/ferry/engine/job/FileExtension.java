package dev.ferry.engine.job;

import dev.ferry.engine.piece.Span;
import dev.ferry.engine.transfer.ContentTransform;
import dev.ferry.spi.TransferFailure;
import java.nio.file.Path;
import java.util.List;

/**
 * What an extension adds to one file of a job (DO's integrity checks, decryption and sinks), asked
 * by the core at the points where it matters; {@link #NONE} for a plain BITS file. The instance is
 * the extension's, held with the file and persisted through {@link #encode}.
 */
public interface FileExtension {
  /**
   * Whether ranges of the file land at their remote offsets in the local file (DO's way), rather
   * than one after another (BITS's).
   */
  boolean rangesInPlace();

  /**
   * Refuses the job's Resume while the file cannot start yet, with the documented error.
   *
   * @param fileIndex the file's index in its job, for the message
   */
  default void checkReady(int fileIndex) {}

  /**
   * Whether the file can go on after the engine restarts; one that cannot (its bytes go to an
   * object of the process that ended) has its job cancelled then.
   */
  default boolean keptAcrossRestart() {
    return true;
  }

  /** How the bytes change on their way to disk, or null. */
  default ContentTransform transform() {
    return null;
  }

  /** Before each transfer of the file, on the runner's thread, outside the engine's lock. */
  default void beforeTransfer(FilePrep prep) throws TransferFailure {}

  /**
   * The file is transferred: for a job whose runner feeds sinks ({@link JobKind#runnerFeedsSinks}),
   * hand the bytes to whoever waits for them.
   *
   * @param written the file the bytes were written to
   * @param wanted the file's wanted spans, in the order written
   */
  default void transferred(Path written, List<Span> wanted) throws TransferFailure {}

  /** The extension's state of the file, persisted with it; null when there is none. */
  String encode();

  /** A plain BITS file. */
  FileExtension NONE =
      new FileExtension() {
        @Override
        public boolean rangesInPlace() {
          return false;
        }

        @Override
        public String encode() {
          return null;
        }

        @Override
        public String toString() {
          return "FileExtension.NONE";
        }
      };
}
