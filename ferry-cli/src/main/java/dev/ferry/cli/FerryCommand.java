package dev.ferry.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ferry} command: the entry point of the launcher. It holds the options every verb
 * shares (which manager to talk to) and registers the verbs, grouped in the help as bitsadmin's
 * documentation groups them.
 */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    commandListHeading = "%n",
    versionProvider = FerryCommand.Version.class,
    description = {
      "Background transfers and Delivery Optimization for the JVM: bitsadmin-style job verbs and"
          + " one-shot downloads.",
      "",
      "Every job verb talks to ferryd when one answers on its socket, and to the embedded engine"
          + " otherwise (jobs then transfer only while a ferry command runs: get, transfer, wait,"
          + " monitor). JOB is a job's id or its display name."
    })
public final class FerryCommand implements java.util.concurrent.Callable<Integer> {
  @Option(
      names = "--socket",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      description =
          "ferryd's socket (default: $XDG_RUNTIME_DIR/ferry/ferryd.sock, else"
              + " /run/ferry/ferryd.sock of a system daemon)")
  Path socket;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "the embedded engine's data directory (default: $XDG_DATA_HOME/ferry or"
              + " ~/.local/share/ferry); given without --socket it selects the embedded engine")
  Path dataDir;

  @Option(
      names = "--no-daemon",
      scope = ScopeType.INHERIT,
      description = "use the embedded engine even when ferryd is running")
  boolean noDaemon;

  @Option(
      names = "--json",
      description = "read commands print JSON (the records of the local API) instead of text")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command with every verb, ready to execute; tests set its out and err writers. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FerryCommand());
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (Map.Entry<String, List<Object>> group : groups().entrySet()) {
      List<String> inGroup = new java.util.ArrayList<>();
      for (Object verb : group.getValue()) {
        CommandLine sub = verb instanceof CommandLine c ? c : new CommandLine(verb);
        cli.addSubcommand(sub.getCommandName(), sub);
        inGroup.add(sub.getCommandName());
      }
      names.put(group.getKey(), inGroup);
    }
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    cli.getSubcommands()
        .get("help")
        .getCommandSpec()
        .usageMessage()
        .description("Show the help of ferry, or of one verb: ferry help VERB.");
    names.get("The daemon and the shell").add("help");
    cli.setExecutionExceptionHandler(new ErrorHandler());
    // After the verbs are added: these settings reach only the subcommands present.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.getHelpSectionMap()
        .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, new VerbList(names));
    documentExitCodes(cli);
    // The verb list ends with a blank line already.
    cli.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n");
    return cli;
  }

  /** The verbs in the order and groups the help lists them. */
  private static Map<String, List<Object>> groups() {
    Map<String, List<Object>> groups = new LinkedHashMap<>();
    groups.put(
        "Downloads",
        List.of(new GetCommand(), new TransferCommand(), new WaitCommand(), new MonitorCommand()));
    groups.put(
        "Jobs",
        List.of(
            new CreateCommand(),
            new FileCommands.AddFile(),
            new FileCommands.AddFileSet(),
            new FileCommands.AddFileWithRanges(),
            ActionCommand.line(ActionCommand.Action.RESUME),
            ActionCommand.line(ActionCommand.Action.SUSPEND),
            ActionCommand.line(ActionCommand.Action.CANCEL),
            ActionCommand.line(ActionCommand.Action.COMPLETE),
            ActionCommand.line(ActionCommand.Action.TAKE_OWNERSHIP),
            new ResetCommand()));
    groups.put(
        "Reading jobs",
        List.of(new ListCommand(), new InfoCommand(), new FileCommands.ListFiles()));
    groups.put(
        "Setting properties",
        List.of(
            new Setters.SetPriority(),
            new Setters.SetNotifyFlags(),
            new Setters.SetNotifyCmdLine(),
            new Setters.SetMinRetryDelay(),
            new Setters.SetNoProgressTimeout(),
            new Setters.SetProxySettings(),
            new Setters.SetCustomHeaders(),
            new Setters.SetDisplayName(),
            new Setters.SetDescription(),
            new PropertyCommands.SetProperty()));
    List<Object> getters = new java.util.ArrayList<>();
    for (Getter getter : Getter.values()) {
      getters.add(GetterCommand.line(getter));
    }
    getters.add(new PropertyCommands.GetProperty());
    groups.put("Getters (one value each)", getters);
    groups.put(
        "The daemon and the shell",
        List.of(
            new DaemonCommand(),
            new StatusCommand(),
            new DoCommand(),
            new PolicyCommand(),
            new CompletionCommand()));
    return groups;
  }

  /** The same exit code list at the foot of every command's help. */
  private static void documentExitCodes(CommandLine cli) {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(ExitCodes.OK + "", "success");
    codes.put(
        ExitCodes.FAILED + "",
        "failed: the request was refused or the transfer failed (the message ends with the"
            + " HRESULT, such as [BG_E_NOT_FOUND 0x80200001])");
    codes.put(ExitCodes.USAGE + "", "the command line is wrong");
    codes.put(ExitCodes.INTERRUPTED + "", "interrupted (Ctrl+C)");
    cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    for (CommandLine sub : cli.getSubcommands().values()) {
      documentExitCodes(sub);
    }
  }

  /** The manager the options select, opened; close it when done. */
  Session session() {
    return Session.open(socket, dataDir, noDaemon);
  }

  /** {@code ferry} alone: the help, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = FerryCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ferry " + (version == null ? "development build" : version)};
    }
  }
}
