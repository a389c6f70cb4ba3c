package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.daemon.DaemonOptions;
import dev.ferry.daemon.MachineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ferry do config}: the machine's Delivery Optimization settings ({@link MachineConfig}),
 * shown with DO's defaults where the file sets nothing, and with {@code set} and {@code unset}
 * changed. ferryd reads them at start.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Shows the machine's Delivery Optimization settings, the file's or DO's default, which"
            + " ferryd reads when it starts (its own options win); 'set NAME VALUE' and 'unset"
            + " NAME' change the file.",
    subcommands = {ConfigCommand.Set.class, ConfigCommand.Unset.class})
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand DoCommand parent;
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Verb.JsonOption jsonOption;

  @Option(
      names = "--system",
      description = "the system daemon's settings (/etc/ferry/ferryd.json), not your own ferryd's")
  boolean system;

  @Option(names = "--config", paramLabel = "FILE", description = "another settings file")
  Path config;

  /** The settings file these options name, as ferryd would find it. */
  Path file() {
    List<String> args = new ArrayList<>();
    if (config != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    if (system) {
      args.add("--system");
    }
    if (parent.ferry.dataDir != null) {
      args.addAll(List.of("--data-dir", parent.ferry.dataDir.toString()));
    }
    return DaemonOptions.configFile(args.toArray(String[]::new));
  }

  MachineConfig load(Path file) {
    try {
      return MachineConfig.load(file);
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, e.getMessage());
    } catch (IOException e) {
      throw new FerryException(HResult.ERROR_READ_FAULT, "cannot read " + file + ": " + e);
    }
  }

  @Override
  public Integer call() {
    Path file = file();
    MachineConfig machine = load(file);
    PrintWriter out = spec.commandLine().getOut();
    if (jsonOption.json || parent.ferry.json) {
      Map<String, Object> shown = new LinkedHashMap<>();
      shown.put("file", file.toString());
      shown.put("settings", machine.values());
      DoCommand.Report.printJson(out, shown);
    } else {
      out.println("Settings file: " + file + (machine.values().isEmpty() ? " (none set)" : ""));
      Table table = new Table("SETTING", "VALUE", "DEFAULT", "MEANING");
      for (MachineConfig.Setting setting : MachineConfig.SETTINGS) {
        JsonNode value = machine.values().get(setting.name());
        table.row(
            setting.name(),
            value == null ? "-" : value.toString(),
            setting.byDefault(),
            setting.meaning());
      }
      table.print(out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Writes {@code changed} to {@code file}, or says why it cannot. */
  void write(MachineConfig changed, Path file) {
    try {
      changed.write(file);
    } catch (AccessDeniedException e) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "cannot write " + file + ": it is the administrator's");
    } catch (IOException e) {
      throw new FerryException(HResult.ERROR_WRITE_FAULT, "cannot write " + file + ": " + e);
    }
    spec.commandLine()
        .getOut()
        .println("Written to " + file + "; ferryd applies it when it next starts.");
    spec.commandLine().getOut().flush();
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Sets a setting (DO's name and units; see 'ferry do config').")
  static final class Set implements Callable<Integer> {
    @ParentCommand ConfigCommand config;

    @Parameters(index = "0", paramLabel = "NAME", description = "The setting, as DO names it.")
    String name;

    @Parameters(
        index = "1",
        paramLabel = "VALUE",
        description = "Its value: a number, true or false, a word, or JSON (a list of trackers).")
    String value;

    @Override
    public Integer call() {
      Path file = config.file();
      MachineConfig changed;
      try {
        changed = config.load(file).with(name, value);
      } catch (IllegalArgumentException e) {
        throw new FerryException(HResult.E_INVALIDARG, e.getMessage());
      }
      config.write(changed, file);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "unset",
      mixinStandardHelpOptions = true,
      description = "Takes a setting out of the file: DO's default applies again.")
  static final class Unset implements Callable<Integer> {
    @ParentCommand ConfigCommand config;

    @Parameters(paramLabel = "NAME", description = "The setting, as DO names it.")
    String name;

    @Override
    public Integer call() {
      Path file = config.file();
      MachineConfig changed;
      try {
        changed = config.load(file).without(name);
      } catch (IllegalArgumentException e) {
        throw new FerryException(HResult.E_INVALIDARG, e.getMessage());
      }
      config.write(changed, file);
      return ExitCodes.OK;
    }
  }
}
