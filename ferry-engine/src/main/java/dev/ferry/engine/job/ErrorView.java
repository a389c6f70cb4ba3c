package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.JobOwner;
import java.util.Locale;
import java.util.Optional;

/** A snapshot of a job's error, as IBackgroundCopyError reports it. */
final class ErrorView implements BackgroundCopyError {
  private final JobEngine engine;
  private final Job job;
  private final JobFailure failure;
  private final JobOwner caller;

  ErrorView(JobEngine engine, Job job, JobFailure failure, JobOwner caller) {
    this.engine = engine;
    this.job = job;
    this.failure = failure;
    this.caller = caller;
  }

  @Override
  public ErrorContext context() {
    return failure.context();
  }

  @Override
  public int code() {
    return failure.code();
  }

  @Override
  public Optional<BackgroundCopyFile> file() {
    if (failure.fileIndex() < 0 || failure.fileIndex() >= job.files.size()) {
      return Optional.empty();
    }
    return Optional.of(new FileHandle(engine, job, job.files.get(failure.fileIndex()), caller));
  }

  @Override
  public String errorDescription(Locale locale) {
    String text = Descriptions.describe(failure.code(), locale);
    boolean detailAddsNothing =
        failure.message() == null
            || failure.message().isEmpty()
            || dev.ferry.api.HResult.httpStatusOf(failure.code()) > 0;
    return detailAddsNothing ? text : text + " (" + failure.message() + ")";
  }

  @Override
  public String contextDescription(Locale locale) {
    Descriptions.checkLanguage(locale);
    return failure.context().description();
  }

  @Override
  public Optional<String> protocol() {
    return Optional.ofNullable(failure.protocol());
  }

  @Override
  public String toString() {
    return "BackgroundCopyError["
        + dev.ferry.api.HResult.nameOf(failure.code())
        + ", "
        + failure.context()
        + "]: "
        + failure.message();
  }
}
