package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.rest.JobView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code info JOB}: bitsadmin's summary lines, or every property with --verbose. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Show a job: its state, owner, priority and progress (--verbose: everything).")
final class InfoCommand extends JobVerb {
  @Option(names = "--verbose", description = "every property, the error and the files")
  boolean verbose;

  @Mixin JsonOption jsonOption;

  @Override
  int run(Session session, BackgroundCopyJob job) {
    JobView view = JobView.of(job);
    if (json(jsonOption)) {
      printJson(view, true);
    } else {
      Views.printInfo(out(), view, verbose);
    }
    return ExitCodes.OK;
  }
}
