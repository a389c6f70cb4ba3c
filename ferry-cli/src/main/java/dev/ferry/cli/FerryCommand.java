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
    System.exit(commandLine(args).execute(args));
  }

  /** The command with every verb, ready to execute; tests set its out and err writers. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command ready to execute {@code args}. Building a verb's model costs picocli a pass of
   * reflection over its class, and building all of them was a fifth of a short download's time:
   * when the arguments name a verb, only that verb is built. Everything else (no verb, help, a name
   * that is no verb, and {@code completion}, whose script lists every verb) gets the whole tree.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cli = new CommandLine(new FerryCommand());
    Map<String, List<VerbEntry>> groups = groups();
    String verb = verbIn(args, cli.getCommandSpec(), groups);
    if ("completion".equals(verb)) {
      verb = null;
    }
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (Map.Entry<String, List<VerbEntry>> group : groups.entrySet()) {
      List<String> inGroup = new java.util.ArrayList<>();
      for (VerbEntry entry : group.getValue()) {
        if (verb == null || verb.equals(entry.name())) {
          cli.addSubcommand(entry.name(), entry.line().get());
        }
        inGroup.add(entry.name());
      }
      names.put(group.getKey(), inGroup);
    }
    if (verb == null) {
      cli.addSubcommand("help", new CommandLine.HelpCommand());
      cli.getSubcommands()
          .get("help")
          .getCommandSpec()
          .usageMessage()
          .description("Show the help of ferry, or of one verb: ferry help VERB.");
      names.get("The daemon and the shell").add("help");
    }
    // ferry daemon runs ferryd itself: --no-daemon means nothing there.
    CommandLine daemon = cli.getSubcommands().get("daemon");
    if (daemon != null) {
      daemon.getCommandSpec().remove(daemon.getCommandSpec().findOption("--no-daemon"));
    }
    // An argument starting with @ is the verb's to read (get --integrity @FILE), not a file of
    // further arguments as picocli would take it by default.
    cli.setExpandAtFiles(false);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(new UsageErrors());
    // After the verbs are added: these settings reach only the subcommands present.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.getHelpSectionMap()
        .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, new VerbList(names));
    documentExitCodes(cli);
    // The verb list ends with a blank line already.
    cli.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n");
    return cli;
  }

  /**
   * The verb {@code args} run, or null for none: the first argument that is neither an option of
   * {@code ferry} nor an option's value.
   */
  private static String verbIn(
      String[] args, CommandLine.Model.CommandSpec root, Map<String, List<VerbEntry>> groups) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("-") && !arg.equals("-") && !arg.equals("--")) {
        CommandLine.Model.OptionSpec option = root.findOption(arg.split("=", 2)[0]);
        if (option != null && !arg.contains("=") && option.arity().max() > 0) {
          i++;
        }
        continue;
      }
      return groups.values().stream()
              .flatMap(List::stream)
              .anyMatch(entry -> entry.name().equals(arg))
          ? arg
          : null;
    }
    return null;
  }

  /** The verbs in the order and groups the help lists them. */
  private static Map<String, List<VerbEntry>> groups() {
    Map<String, List<VerbEntry>> groups = new LinkedHashMap<>();
    groups.put(
        "Downloads",
        List.of(
            VerbEntry.of(GetCommand.class, GetCommand::new),
            VerbEntry.of(TransferCommand.class, TransferCommand::new),
            VerbEntry.of(WaitCommand.class, WaitCommand::new),
            VerbEntry.of(MonitorCommand.class, MonitorCommand::new)));
    List<VerbEntry> jobs = new java.util.ArrayList<>();
    jobs.add(VerbEntry.of(CreateCommand.class, CreateCommand::new));
    jobs.add(VerbEntry.of(FileCommands.AddFile.class, FileCommands.AddFile::new));
    jobs.add(VerbEntry.of(FileCommands.AddFileSet.class, FileCommands.AddFileSet::new));
    jobs.add(
        VerbEntry.of(FileCommands.AddFileWithRanges.class, FileCommands.AddFileWithRanges::new));
    for (ActionCommand.Action action :
        List.of(
            ActionCommand.Action.RESUME,
            ActionCommand.Action.SUSPEND,
            ActionCommand.Action.CANCEL,
            ActionCommand.Action.COMPLETE,
            ActionCommand.Action.TAKE_OWNERSHIP)) {
      jobs.add(new VerbEntry(action.verb, () -> ActionCommand.line(action)));
    }
    jobs.add(VerbEntry.of(ResetCommand.class, ResetCommand::new));
    groups.put("Jobs", jobs);
    groups.put(
        "Reading jobs",
        List.of(
            VerbEntry.of(ListCommand.class, ListCommand::new),
            VerbEntry.of(InfoCommand.class, InfoCommand::new),
            VerbEntry.of(FileCommands.ListFiles.class, FileCommands.ListFiles::new)));
    List<VerbEntry> setters = new java.util.ArrayList<>();
    for (Setter setter : Setter.values()) {
      setters.add(new VerbEntry(setter.verb, () -> SetterCommand.line(setter)));
    }
    groups.put("Setting properties", setters);
    List<VerbEntry> getters = new java.util.ArrayList<>();
    for (Getter getter : Getter.values()) {
      getters.add(new VerbEntry(getter.verb, () -> GetterCommand.line(getter)));
    }
    getters.add(
        VerbEntry.of(PropertyCommands.GetProperty.class, PropertyCommands.GetProperty::new));
    groups.put("Getters (one value each)", getters);
    groups.put(
        "The daemon and the shell",
        List.of(
            VerbEntry.of(DaemonCommand.class, DaemonCommand::new),
            VerbEntry.of(StatusCommand.class, StatusCommand::new),
            VerbEntry.of(DoCommand.class, DoCommand::new),
            VerbEntry.of(PolicyCommand.class, PolicyCommand::new),
            VerbEntry.of(DashboardCommand.class, DashboardCommand::new),
            VerbEntry.of(LogLevelCommand.class, LogLevelCommand::new),
            VerbEntry.of(CompletionCommand.class, CompletionCommand::new)));
    return groups;
  }

  /** A verb as the help lists it: its name, known before its model is built, and its builder. */
  record VerbEntry(String name, java.util.function.Supplier<CommandLine> line) {
    static VerbEntry of(Class<?> type, java.util.function.Supplier<Object> verb) {
      return new VerbEntry(
          type.getAnnotation(Command.class).name(), () -> new CommandLine(verb.get()));
    }
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
    return session(false);
  }

  /** The same; {@code share}: the embedded engine is shared while this command holds it. */
  Session session(boolean share) {
    return Session.open(socket, dataDir, noDaemon, share);
  }

  /** The same, with what the command adds to the embedded engine's configuration. */
  Session session(
      boolean share, java.util.function.UnaryOperator<dev.ferry.engine.EngineConfig> wiring) {
    return Session.open(socket, dataDir, noDaemon, share, wiring);
  }

  /** {@code ferry} alone: the help, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      // The build writes the project's version into this resource (ferry-cli's pom filters it),
      // so classes run from a checkout say it as well as the jar does.
      java.util.Properties build = new java.util.Properties();
      try (var in = FerryCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          build.load(in);
        }
      }
      return new String[] {
        "ferry " + build.getProperty("version", "(version unknown: not built by Maven)"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"
      };
    }
  }
}
