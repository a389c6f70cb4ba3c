package dev.ferry.engine.job;

import dev.ferry.api.FileRange;
import dev.ferry.engine.store.FileRow;
import dev.ferry.engine.transfer.FileState;
import dev.ferry.engine.transfer.Validators;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One file of a job: where it comes from, where it goes, and its transfer state. */
final class JobFile {
  final int index;
  final Path localPath;
  final Path tempPath;
  final FileState state;

  /** Guarded by the engine lock. */
  String remoteUrl;

  JobFile(int index, String remoteUrl, Path localPath, Path tempPath, FileState state) {
    this.index = index;
    this.remoteUrl = remoteUrl;
    this.localPath = localPath;
    this.tempPath = tempPath;
    this.state = state;
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
        state.pieceBits(),
        state.isCompleted(),
        state.responseHeaders());
  }

  static JobFile fromRow(FileRow row) {
    List<FileRange> ranges = decodeRanges(row.ranges());
    FileState state =
        FileState.restore(
            ranges,
            row.pieceSize(),
            new Validators(row.remoteSize(), row.etag(), row.lastModified()),
            row.pieces(),
            row.responseHeaders(),
            row.completed());
    return new JobFile(
        row.index(), row.remoteUrl(), Path.of(row.localPath()), Path.of(row.tempPath()), state);
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
