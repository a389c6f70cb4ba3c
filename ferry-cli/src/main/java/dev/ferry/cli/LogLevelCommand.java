package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.client.FerryClient;
import dev.ferry.daemon.logging.LogLevels;
import dev.ferry.rest.LogLevelView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code log-level}: shows ferryd's log levels, or changes one while it runs. The levels are the
 * daemon's: without one there is nothing to change (the command line's own level is {@code
 * FERRY_LOG_LEVEL}).
 */
@Command(
    name = "log-level",
    mixinStandardHelpOptions = true,
    description = {
      "Show ferryd's log levels, or change one at once, until ferryd stops: ferry log-level DEBUG"
          + " (all of Ferry's lines, the logger dev.ferry), ferry log-level LOGGER LEVEL (one"
          + " logger: a package or class name, or ROOT). LEVEL is TRACE, DEBUG, INFO, WARN, ERROR,"
          + " OFF, or 'inherit' to take the parent logger's again.",
      "Changing a level takes the administrator or the daemon's own user."
    })
final class LogLevelCommand implements Callable<Integer> {
  /** The word that makes a logger inherit its parent's level. */
  static final String INHERIT = "inherit";

  @ParentCommand FerryCommand ferry;
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Verb.JsonOption jsonOption;

  @Parameters(arity = "0..2", paramLabel = "[LOGGER] LEVEL", description = "what to change")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    String level = args.isEmpty() ? null : level(args.getLast());
    String logger = args.size() == 2 ? args.getFirst() : LogLevels.FERRY;
    Session.Choice choice = Session.choose(ferry.socket, ferry.dataDir, ferry.noDaemon);
    if (!choice.daemon()) {
      throw new FerryException(
          HResult.DO_E_NO_SERVICE,
          "no ferryd answers"
              + (choice.socket() == null ? "" : " on " + choice.socket())
              + ": log levels are the daemon's (the command line's own is FERRY_LOG_LEVEL)");
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean json = jsonOption.json || ferry.json;
    if (args.isEmpty()) {
      List<LogLevelView> levels = FerryClient.logLevels(choice.socket());
      if (json) {
        printJson(out, levels);
      } else {
        int width = levels.stream().mapToInt(v -> v.logger().length()).max().orElse(0);
        levels.forEach(v -> out.println(line(v, width)));
      }
    } else {
      LogLevelView changed =
          FerryClient.setLogLevel(choice.socket(), logger, level.equals(INHERIT) ? null : level);
      if (json) {
        printJson(out, changed);
      } else {
        out.println(line(changed, 0));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** A level's name, or {@link #INHERIT}; anything else is a wrong command line. */
  private String level(String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    if (LogLevels.NAMES.contains(upper)) {
      return upper;
    }
    if (text.equalsIgnoreCase(INHERIT)) {
      return INHERIT;
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "'"
            + text
            + "' is not a log level: one of "
            + String.join(", ", LogLevels.NAMES)
            + " or inherit");
  }

  private static String line(LogLevelView view, int width) {
    String name = String.format("%-" + Math.max(1, width) + "s", view.logger());
    return view.level() != null
        ? name + " " + view.level()
        : name + " " + INHERIT + " (" + view.effectiveLevel() + ")";
  }

  /** JSON as the read verbs print it. */
  private static void printJson(PrintWriter out, Object value) {
    try {
      out.println(
          dev.ferry.rest.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
