package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wait JOB}: not a bitsadmin verb, but what scripts around {@code resume} need: returns 0
 * once the job is TRANSFERRED, 1 when it fails (ERROR), is suspended or ends otherwise. It leaves
 * the job alone (no complete, no cancel). With the embedded engine the job transfers while this
 * runs.
 */
@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    description = "Wait until the job is transferred (0) or fails (1), with progress.")
final class WaitCommand extends JobVerb {
  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "0",
      converter = Numbers.Seconds.class,
      description = "give up (exit 1) after this long (default: no limit)")
  long timeoutSeconds;

  @Option(
      names = {"-q", "--quiet"},
      description = "no progress output")
  boolean quiet;

  @Override
  boolean sharesEngine() {
    return true;
  }

  @Override
  int run(Session session, BackgroundCopyJob job) throws InterruptedException {
    Foreground foreground = foreground(() -> {});
    try (Progress progress =
        quiet
            ? Progress.silent()
            : Progress.open(job.displayName(), job.progress().bytesTransferred(), err())) {
      return new Follow(job, err(), foreground)
          .timeout(Duration.ofSeconds(timeoutSeconds))
          .onInterrupt("interrupted; job " + job.id() + " is left as it is")
          .run(progress);
    }
  }
}
