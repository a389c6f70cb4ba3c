package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import picocli.CommandLine;

/** Prints API failures as one readable line with their HRESULT, instead of a stack trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    if (e instanceof FerryException fe) {
      cli.getErr()
          .println(
              "ferry: "
                  + fe.getMessage()
                  + " ["
                  + fe.hresultName()
                  + " "
                  + HResult.hex(fe.hresult())
                  + "]");
      return ExitCodes.FAILED;
    }
    throw new RuntimeException(e);
  }
}
