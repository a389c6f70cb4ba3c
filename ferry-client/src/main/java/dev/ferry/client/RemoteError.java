package dev.ferry.client;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.ErrorContext;
import dev.ferry.rest.ErrorView;
import java.util.Locale;
import java.util.Optional;

/**
 * A snapshot of a job's error, as IBackgroundCopyError is: it stays readable after the job moves
 * on. Descriptions in other languages are asked of the daemon, which knows which it has.
 */
final class RemoteError implements BackgroundCopyError {
  private final RemoteJob job;
  private final ErrorView view;

  RemoteError(RemoteJob job, ErrorView view) {
    this.job = job;
    this.view = view;
  }

  @Override
  public ErrorContext context() {
    return ErrorContext.valueOf(view.context());
  }

  @Override
  public int code() {
    return view.code();
  }

  @Override
  public Optional<BackgroundCopyFile> file() {
    return Optional.ofNullable(view.fileIndex()).map(i -> new RemoteFile(job, i));
  }

  @Override
  public String errorDescription(Locale locale) {
    if (isEnglish(locale)) {
      return view.description();
    }
    return job.manager().describe(view.code(), locale).description();
  }

  @Override
  public String contextDescription(Locale locale) {
    if (!isEnglish(locale)) {
      // Only to learn whether the daemon has text in that language (it fails if not).
      job.manager().describe(view.code(), locale);
    }
    return view.contextDescription();
  }

  @Override
  public Optional<String> protocol() {
    return Optional.ofNullable(view.protocol());
  }

  /** The view carries English text; no locale, or one without a language, means the default. */
  private static boolean isEnglish(Locale locale) {
    return locale == null || locale.getLanguage().isEmpty() || locale.getLanguage().equals("en");
  }

  @Override
  public String toString() {
    return "BackgroundCopyError[" + view.codeName() + ", " + view.context() + "]";
  }
}
