package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.rest.Json;
import dev.ferry.rest.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Prints failures as one readable line instead of a stack trace: API failures with their HRESULT
 * ({@code ferry: message [NAME 0x…]}), I/O failures with their cause. Under {@code --json} the same
 * failure is one {@link Problem} record, the body ferryd answers a failed request with. Anything
 * else is a bug and keeps its stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed)
      throws Exception {
    boolean json = json(parsed);
    if (e instanceof FerryException fe) {
      if (json) {
        printJson(cli.getErr(), Problem.of(fe));
      } else {
        cli.getErr().println(line(fe));
      }
      return ExitCodes.FAILED;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      if (json) {
        printJson(cli.getErr(), Problem.of(HResult.E_FAIL, e.getMessage()));
      } else {
        cli.getErr().println("ferry: " + e.getMessage());
      }
      return ExitCodes.FAILED;
    }
    if (e instanceof InterruptedException) {
      cli.getErr().println("ferry: interrupted");
      return ExitCodes.INTERRUPTED;
    }
    throw e;
  }

  static String line(FerryException e) {
    return "ferry: "
        + e.getMessage()
        + " ["
        + e.hresultName()
        + " "
        + HResult.hex(e.hresult())
        + "]";
  }

  /** Whether {@code --json} was given, to ferry or to the verb. */
  static boolean json(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--json")) {
        return true;
      }
    }
    return false;
  }

  static void printJson(PrintWriter err, Problem problem) {
    try {
      err.println(Json.mapper().writeValueAsString(problem));
      err.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
