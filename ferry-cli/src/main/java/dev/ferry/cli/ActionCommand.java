package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.HResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The state-changing verbs without arguments: resume, suspend, cancel, complete, takeownership. */
@Command(mixinStandardHelpOptions = true)
final class ActionCommand extends JobVerb {
  enum Action {
    RESUME(
        "resume",
        "Let the job transfer (SUSPENDED, ERROR or TRANSIENT_ERROR → QUEUED).",
        "resumed"),
    SUSPEND("suspend", "Stop the job's transfer until it is resumed.", "suspended"),
    CANCEL("cancel", "End the job, deleting every file it wrote.", "cancelled"),
    COMPLETE(
        "complete",
        "End a transferred job: its files appear under their local names.",
        "completed"),
    TAKE_OWNERSHIP(
        "takeownership",
        "Make the job yours (administrators only); its custom headers and notify command line are"
            + " dropped.",
        "taken over");

    final String verb;
    final String description;
    final String done;

    Action(String verb, String description, String done) {
      this.verb = verb;
      this.description = description;
      this.done = done;
    }
  }

  private final Action action;

  ActionCommand(Action action) {
    this.action = action;
  }

  static CommandLine line(Action action) {
    CommandLine line = new CommandLine(new ActionCommand(action));
    line.getCommandSpec().name(action.verb);
    line.getCommandSpec().usageMessage().description(action.description);
    return line;
  }

  @Override
  int run(Session session, BackgroundCopyJob job) {
    HResult result =
        switch (action) {
          case RESUME -> {
            job.resume();
            yield HResult.S_OK;
          }
          case SUSPEND -> {
            job.suspend();
            yield HResult.S_OK;
          }
          case CANCEL -> job.cancel();
          case COMPLETE -> job.complete();
          case TAKE_OWNERSHIP -> {
            job.takeOwnership();
            yield HResult.S_OK;
          }
        };
    // Partial success (BG_S_PARTIAL_COMPLETE, BG_S_UNABLE_TO_DELETE_FILES) is still success.
    out()
        .println(
            "Job "
                + job.id()
                + " "
                + action.done
                + (result == HResult.S_OK
                    ? "."
                    : ": " + result.message() + " [" + result.name() + "]"));
    return ExitCodes.OK;
  }
}
