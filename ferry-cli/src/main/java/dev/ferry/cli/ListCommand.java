package dev.ferry.cli;

import dev.ferry.rest.JobView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code list}: the caller's jobs (or everybody's) as a table, info blocks, or JobView JSON. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List your jobs (those not completed or cancelled).")
final class ListCommand extends Verb {
  @Option(names = "--all-users", description = "every user's jobs (administrators only)")
  boolean allUsers;

  @Option(names = "--verbose", description = "every property of each job, as info --verbose")
  boolean verbose;

  @Mixin JsonOption jsonOption;

  @Override
  int run(Session session) {
    List<JobView> jobs = Views.of(session.manager().enumJobs(allUsers));
    if (json(jsonOption)) {
      printJson(jobs, true);
      return ExitCodes.OK;
    }
    if (verbose) {
      for (JobView job : jobs) {
        Views.printInfo(out(), job, true);
        out().println();
      }
    } else if (!jobs.isEmpty()) {
      Views.printJobs(out(), jobs, allUsers);
    }
    out().println("Listed " + jobs.size() + " job(s).");
    return ExitCodes.OK;
  }
}
