package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
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
    if (action == Action.COMPLETE) {
      line.getCommandSpec()
          .addOption(
              CommandLine.Model.OptionSpec.builder("--force")
                  .type(boolean.class)
                  .description(
                      "complete even though some files are not transferred: those are deleted"
                          + " (BITS's BG_S_PARTIAL_COMPLETE)")
                  .build());
    }
    return line;
  }

  /**
   * BITS completes a job in any state and deletes the files not transferred yet, as a success
   * (BG_S_PARTIAL_COMPLETE). A person typing complete too early would lose data without a word, so
   * the command line asks for --force first.
   */
  private void refuseToDropFiles(BackgroundCopyJob job) {
    if (Boolean.TRUE.equals(spec.findOption("--force").getValue())) {
      return;
    }
    var progress = job.progress();
    int missing = progress.filesTotal() - progress.filesTransferred();
    if (missing > 0) {
      throw new FerryException(
          HResult.BG_E_INVALID_STATE,
          missing
              + " of the "
              + progress.filesTotal()
              + " file(s) of job "
              + job.id()
              + " are not transferred ("
              + job.state()
              + "); completing it now would delete them. Wait for it ('ferry wait "
              + job.id()
              + "'), or add --force to keep only the transferred files");
    }
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
          case COMPLETE -> {
            refuseToDropFiles(job);
            yield job.complete();
          }
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
