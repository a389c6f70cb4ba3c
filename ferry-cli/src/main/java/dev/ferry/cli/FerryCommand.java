package dev.ferry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command: the entry point of the launcher. */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    versionProvider = FerryCommand.Version.class,
    description = "Background transfers and Delivery Optimization for the JVM.",
    subcommands = {GetCommand.class, CommandLine.HelpCommand.class})
public final class FerryCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FerryCommand());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = FerryCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ferry " + (version == null ? "development build" : version)};
    }
  }
}
