package dev.ferry.rest;

import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.FileRange;
import java.util.List;

/** A job's file: IBackgroundCopyFile's getters. Ranges use -1 as the length for "to the end". */
public record FileView(
    int index,
    String remoteName,
    String localName,
    String temporaryName,
    List<Range> ranges,
    long bytesTotal,
    long bytesTransferred,
    boolean completed) {

  public record Range(long offset, long length) {
    public static Range of(FileRange range) {
      return new Range(range.offset(), range.length());
    }

    public FileRange toFileRange() {
      return new FileRange(offset, length);
    }
  }

  public static FileView of(int index, BackgroundCopyFile file) {
    var progress = file.progress();
    return new FileView(
        index,
        file.remoteName(),
        file.localName(),
        file.temporaryName(),
        file.fileRanges().stream().map(Range::of).toList(),
        progress.bytesTotal(),
        progress.bytesTransferred(),
        progress.completed());
  }
}
