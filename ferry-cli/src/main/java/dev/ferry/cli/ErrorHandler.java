package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Prints failures as one readable line instead of a stack trace: API failures with their HRESULT
 * ({@code ferry: message [NAME 0x…]}), I/O failures with their cause. Anything else is a bug and
 * keeps its stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed)
      throws Exception {
    if (e instanceof FerryException fe) {
      cli.getErr().println(line(fe));
      return ExitCodes.FAILED;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      cli.getErr().println("ferry: " + e.getMessage());
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
}
