package dev.ferry.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * A wrong command line, as git and curl report one: {@code ferry: message}, picocli's suggestion
 * for a mistyped verb or option, and where the help is, instead of the whole help (which scrolled
 * the message off the screen). Exit 2.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    // The parse failed, so its result may not hold the option: the words typed do.
    if (java.util.Arrays.asList(args).contains("--json")) {
      ErrorHandler.printJson(
          err, dev.ferry.rest.Problem.of(dev.ferry.api.HResult.E_INVALIDARG, e.getMessage()));
      return ExitCodes.USAGE;
    }
    err.println("ferry: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }
}
