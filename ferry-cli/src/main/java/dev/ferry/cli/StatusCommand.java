package dev.ferry.cli;

import dev.ferry.api.JobOwner;
import dev.ferry.engine.Ferry;
import dev.ferry.rest.Caller;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code status}: which manager the other verbs would use, and as whom. It does not open the
 * embedded engine (that would start its transfers and take its lock).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show whether ferryd answers, which engine the verbs use, and as which user.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand FerryCommand ferry;
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Verb.JsonOption jsonOption;

  /** The answer, for --json. */
  record Status(String manager, String socket, boolean daemon, String dataDir, Caller caller) {}

  @Override
  public Integer call() {
    Session.Choice choice = Session.choose(ferry.socket, ferry.dataDir, ferry.noDaemon);
    JobOwner caller;
    if (choice.daemon()) {
      try (Session session = ferry.session()) {
        caller = session.manager().caller();
      }
    } else {
      caller = Ferry.currentUser();
    }
    Status status =
        new Status(
            choice.daemon() ? "daemon" : "embedded",
            choice.socket() == null ? null : choice.socket().toString(),
            choice.daemon(),
            choice.daemon() ? null : choice.dataDir().toString(),
            new Caller(caller.uid(), caller.name(), caller.isAdministrator()));
    var out = spec.commandLine().getOut();
    if (jsonOption.json || ferry.json) {
      try {
        out.println(
            dev.ferry.rest.Json.mapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(status));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out.println("Jobs go to " + choice.describe() + ".");
      if (choice.socket() == null) {
        out.println("ferryd was not looked for (--no-daemon, or --data-dir without --socket).");
      } else if (!choice.daemon()) {
        out.println("No ferryd answers on " + choice.socket() + ": start one with 'ferry daemon'.");
      }
      out.println("You are " + caller + (caller.isAdministrator() ? ", an administrator." : "."));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
