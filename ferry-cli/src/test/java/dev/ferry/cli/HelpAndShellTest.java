package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.rest.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --help on every verb, the exit code list, shell completion and {@code status}. */
class HelpAndShellTest {
  @TempDir Path tmp;

  @Test
  void everyVerbHasHelpWithTheExitCodes() {
    var cli = FerryCommand.commandLine();
    assertThat(cli.getSubcommands().keySet())
        .contains(
            "get",
            "transfer",
            "wait",
            "monitor",
            "create",
            "addfile",
            "addfileset",
            "addfilewithranges",
            "resume",
            "suspend",
            "cancel",
            "complete",
            "takeownership",
            "reset",
            "list",
            "info",
            "listfiles",
            "setpriority",
            "setnotifyflags",
            "setnotifycmdline",
            "setminretrydelay",
            "setnoprogresstimeout",
            "setproxysettings",
            "setcustomheaders",
            "setdisplayname",
            "setdescription",
            "setproperty",
            "getproperty",
            "getstate",
            "getbytestotal",
            "getbytestransferred",
            "getfilestotal",
            "getfilestransferred",
            "getcreationtime",
            "getmodificationtime",
            "getcompletiontime",
            "geterror",
            "geterrorcount",
            "getpriority",
            "getowner",
            "getnotifyflags",
            "getnotifycmdline",
            "getminretrydelay",
            "getnoprogresstimeout",
            "getproxyusage",
            "getproxylist",
            "getproxybypasslist",
            "gettype",
            "getdisplayname",
            "getdescription",
            "getcustomheaders",
            "daemon",
            "status",
            "completion");
    Cli ferry = new Cli();
    for (String verb : cli.getSubcommands().keySet()) {
      if (verb.equals("help")) {
        continue;
      }
      Cli.Result help = ferry.run(verb, "--help");
      assertThat(help.code()).as(verb + "\n" + help).isZero();
      assertThat(help.out())
          .as(verb)
          .startsWith("Usage: ferry " + verb)
          .contains("Exit codes:")
          .contains("130");
    }
    Cli.Result top = ferry.run("--help");
    assertThat(top.out())
        .contains("Getters (one value each):")
        .contains("getstate")
        .contains("Exit codes:");
    assertThat(ferry.run("help", "addfile").out()).startsWith("Usage: ferry addfile");
  }

  @Test
  void aCommandLineNamingAVerbBuildsThatVerbAlone() {
    var all = FerryCommand.commandLine();
    for (String verb : all.getSubcommands().keySet()) {
      if (verb.equals("help") || verb.equals("completion")) {
        continue;
      }
      var cli = FerryCommand.commandLine(new String[] {"--data-dir", "/tmp/x", verb, "ARG"});
      assertThat(cli.getSubcommands().keySet()).as(verb).containsExactly(verb);
      assertThat(cli.getSubcommands().get(verb).getCommandSpec().options().size())
          .as(verb)
          .isEqualTo(all.getSubcommands().get(verb).getCommandSpec().options().size());
    }
  }

  @Test
  void anOptionValueThatLooksLikeAVerbIsNotTheVerb() {
    var cli = FerryCommand.commandLine(new String[] {"--data-dir", "get", "list"});
    assertThat(cli.getSubcommands().keySet()).containsExactly("list");
    cli = FerryCommand.commandLine(new String[] {"--data-dir=list", "get", "URL"});
    assertThat(cli.getSubcommands().keySet()).containsExactly("get");
  }

  @Test
  void helpCompletionAndUnknownVerbsSeeEveryVerb() {
    int all = FerryCommand.commandLine().getSubcommands().size();
    for (String[] args :
        new String[][] {{"help", "get"}, {"completion"}, {"nosuchverb"}, {"--help"}, {}}) {
      assertThat(FerryCommand.commandLine(args).getSubcommands()).hasSize(all);
    }
  }

  @Test
  void completionPrintsABashScriptForEveryVerb() {
    Cli.Result script = new Cli().run("completion");

    assertThat(script.code()).as(script.toString()).isZero();
    assertThat(script.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_ferry")
        .contains("addfilewithranges")
        .contains("getnoprogresstimeout")
        .contains("--all-users")
        .contains("FOREGROUND");
  }

  @Test
  void statusTellsWhichEngineTheVerbsUse() throws Exception {
    Path socket = tmp.resolve("nobody.sock");
    Path data = tmp.resolve("data");

    Cli.Result text =
        new Cli("--socket", socket.toString(), "--data-dir", data.toString()).run("status");
    assertThat(text.code()).as(text.toString()).isZero();
    assertThat(text.out())
        .contains("the embedded engine in " + data)
        .contains("No ferryd answers on " + socket);

    StatusCommand.Status status =
        Json.mapper()
            .readValue(
                new Cli("--data-dir", data.toString()).run("status", "--json").out(),
                StatusCommand.Status.class);
    assertThat(status.daemon()).isFalse();
    assertThat(status.manager()).isEqualTo("embedded");
    assertThat(status.socket()).as("--data-dir alone: no daemon looked for").isNull();
    assertThat(status.dataDir()).isEqualTo(data.toString());
    assertThat(Files.exists(data)).as("status does not open the engine").isFalse();
  }

  @Test
  void versionDaemonHelpAndJsonErrorsSayWhatTheyShould() throws Exception {
    Cli ferry = new Cli("--data-dir", tmp.resolve("data").toString());

    Cli.Result version = ferry.run("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("ferry ").containsPattern("^ferry \\d+\\.\\d+");
    assertThat(version.out()).doesNotContain("development build");

    assertThat(new Cli().run("daemon", "--help").out())
        .contains("--socket")
        .doesNotContain("--no-daemon");
    assertThat(new Cli().run("list", "--help").out()).contains("--no-daemon");

    Cli.Result failed = ferry.run("--json", "getstate", "nosuchjob");
    assertThat(failed.code()).isEqualTo(ExitCodes.FAILED);
    dev.ferry.rest.Problem problem =
        Json.mapper().readValue(failed.err(), dev.ferry.rest.Problem.class);
    assertThat(problem.name()).isEqualTo("BG_E_NOT_FOUND");
    assertThat(problem.message()).contains("nosuchjob");
    Cli.Result usage = ferry.run("getstate", "--json");
    assertThat(usage.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(Json.mapper().readValue(usage.err(), dev.ferry.rest.Problem.class).name())
        .isEqualTo("E_INVALIDARG");
  }

  @Test
  void monitorsClockAlwaysShowsSecondsAndDoStatusSaysUnknownForAnUnknownSize() {
    Cli ferry = new Cli("--data-dir", tmp.resolve("data").toString());
    String job = ferry.run("create", "sized later").value();
    assertThat(
            ferry
                .run(
                    "addfile",
                    job,
                    "http://127.0.0.1:9/never.bin",
                    tmp.resolve("never.bin").toString())
                .code())
        .isZero();

    Cli.Result monitor = ferry.run("monitor", "--count", "1");
    assertThat(monitor.code()).as(monitor.toString()).isZero();
    assertThat(monitor.lines().get(0)).matches("\\d\\d:\\d\\d:\\d\\d  1 job\\(s\\) in .*");

    Cli.Result status = ferry.run("do", "status");
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.lines().get(1)).contains("never.bin  UNKNOWN  ");
  }
}
