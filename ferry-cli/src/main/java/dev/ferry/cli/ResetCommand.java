package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reset}: cancels every job of the caller (or, for an administrator, of everybody). */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = "Cancel all your jobs (--all-users: everybody's, administrators only).")
final class ResetCommand extends Verb {
  @Option(names = "--all-users", description = "every user's jobs (administrators only)")
  boolean allUsers;

  @Override
  int run(Session session) {
    List<BackgroundCopyJob> jobs = session.manager().enumJobs(allUsers);
    int cancelled = 0;
    int failed = 0;
    for (BackgroundCopyJob job : jobs) {
      try {
        job.cancel();
        cancelled++;
        out().println("Job " + job.id() + " cancelled.");
      } catch (FerryException e) {
        // A job that ended meanwhile is as good as cancelled.
        if (!e.is(HResult.BG_E_NOT_FOUND)) {
          failed++;
          err()
              .println(
                  "ferry: cannot cancel job "
                      + job.id()
                      + ": "
                      + e.getMessage()
                      + " ["
                      + e.hresultName()
                      + " "
                      + HResult.hex(e.hresult())
                      + "]");
        }
      }
    }
    out().println(cancelled + " out of " + jobs.size() + " job(s) cancelled.");
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
