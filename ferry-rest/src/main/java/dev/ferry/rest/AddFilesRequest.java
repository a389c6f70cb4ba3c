package dev.ferry.rest;

import java.util.List;

/** POST {@link Routes#FILES}: AddFileSet, or AddFileWithRanges for a single file with ranges. */
public record AddFilesRequest(List<NewFile> files) {
  public record NewFile(String remoteName, String localName, List<FileView.Range> ranges) {}
}
