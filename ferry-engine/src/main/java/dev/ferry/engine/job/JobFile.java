package dev.ferry.engine.job;

import dev.ferry.api.FileRange;
import dev.ferry.engine.store.FileRow;
import dev.ferry.engine.transfer.FileState;
import dev.ferry.spi.Validators;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One file of a job: where it comes from, where it goes, and its transfer state. */
final class JobFile {
  final int index;
  final FileState state;

  /** Guarded by the engine lock. */
  String remoteUrl;

  /** Guarded by the engine lock; they change only before the first byte (DO's sink path). */
  Path localPath;

  Path tempPath;

  /** What an extension adds to the file; guarded by the engine lock. */
  FileExtension extension = FileExtension.NONE;

  JobFile(int index, String remoteUrl, Path localPath, Path tempPath, FileState state) {
    this.index = index;
    this.remoteUrl = remoteUrl;
    this.localPath = localPath;
    this.tempPath = tempPath;
    this.state = state;
  }

  static Path tempPathFor(Path local, java.util.UUID jobId, int index) {
    return local.resolveSibling(".ferry-" + jobId + "-" + index + ".part");
  }

  FileRow toRow(UUID jobId) {
    Validators v = state.validators();
    return new FileRow(
        jobId,
        index,
        remoteUrl,
        localPath.toString(),
        tempPath.toString(),
        encodeRanges(state.ranges()),
        v.size(),
        v.etag(),
        v.lastModified(),
        state.pieceSize(),
        state.durablePieceBits(),
        state.writtenPieceBits(),
        state.isCompleted(),
        state.responseHeaders(),
        extension.encode(),
        state.counters());
  }

  /**
   * @param extensions turns a persisted extension state into the file's extension ({@link
   *     FileExtension#NONE} for null)
   */
  static JobFile fromRow(
      FileRow row, java.util.function.Function<String, FileExtension> extensions) {
    List<FileRange> ranges = decodeRanges(row.ranges());
    FileExtension extension = extensions.apply(row.delivery());
    FileState state =
        FileState.restore(
            ranges,
            extension.rangesInPlace(),
            row.pieceSize(),
            new Validators(row.remoteSize(), row.etag(), row.lastModified()),
            row.pieces(),
            row.writtenPieces(),
            row.responseHeaders(),
            row.completed());
    state.restoreCounters(row.counters());
    JobFile file =
        new JobFile(
            row.index(), row.remoteUrl(), Path.of(row.localPath()), Path.of(row.tempPath()), state);
    file.extension = extension;
    return file;
  }

  static String encodeRanges(List<FileRange> ranges) {
    if (ranges.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (FileRange range : ranges) {
      if (!text.isEmpty()) {
        text.append(',');
      }
      text.append(range);
    }
    return text.toString();
  }

  static List<FileRange> decodeRanges(String text) {
    List<FileRange> ranges = new ArrayList<>();
    if (text != null && !text.isEmpty()) {
      for (String part : text.split(",")) {
        ranges.add(FileRange.parse(part));
      }
    }
    return ranges;
  }
}
