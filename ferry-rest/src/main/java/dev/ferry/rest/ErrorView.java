package dev.ferry.rest;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.HResult;
import java.util.List;
import java.util.Locale;

/** A job's error (IBackgroundCopyError), with English descriptions. */
public record ErrorView(
    String context,
    int code,
    String codeName,
    String description,
    String contextDescription,
    Integer fileIndex,
    String protocol) {

  public static ErrorView of(BackgroundCopyError error, List<BackgroundCopyFile> files) {
    Integer fileIndex = error.file().map(files::indexOf).filter(i -> i >= 0).orElse(null);
    return new ErrorView(
        error.context().name(),
        error.code(),
        HResult.nameOf(error.code()),
        error.errorDescription(Locale.ENGLISH),
        error.contextDescription(Locale.ENGLISH),
        fileIndex,
        error.protocol().orElse(null));
  }
}
