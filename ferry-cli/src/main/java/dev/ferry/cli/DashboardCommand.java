package dev.ferry.cli;

import dev.ferry.client.FerryClient;
import dev.ferry.rest.DashboardView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dashboard}: prints the address of ferryd's web page, which carries the daemon's token, and
 * opens it in the desktop's browser when there is one. The page is served on the daemon's loopback
 * listener only, so a daemon without one gets a message saying how to start it with one.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Print the address of ferryd's dashboard (transfers, bytes by source, the bandwidth policy)"
          + " and open it in a browser when one is at hand.",
      "The address holds ferryd's token, which acts as ferryd's user: keep it to yourself."
    })
final class DashboardCommand implements Callable<Integer> {
  @ParentCommand FerryCommand ferry;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--no-browser", description = "only print the address")
  boolean noBrowser;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Session.Choice choice = Session.choose(ferry.socket, ferry.dataDir, ferry.noDaemon);
    if (!choice.daemon()) {
      err.println(
          "ferry: the dashboard is ferryd's, and no ferryd answers"
              + (choice.socket() == null ? "" : " on " + choice.socket())
              + "; start one with a loopback listener: ferry daemon --tcp 0");
      return ExitCodes.FAILED;
    }
    DashboardView where = FerryClient.dashboard(choice.socket());
    if (where.tcpPort() == null) {
      err.println(
          "ferry: ferryd at "
              + choice.socket()
              + " has no TCP listener, and the dashboard is served only there; restart it with"
              + " one: ferry daemon --tcp 0 (any free port), or --tcp PORT");
      return ExitCodes.FAILED;
    }
    spec.commandLine().getOut().println(where.url());
    spec.commandLine().getOut().flush();
    if (!noBrowser) {
      opener(System.getenv()).ifPresent(open -> open(open, where.url()));
    }
    return ExitCodes.OK;
  }

  /**
   * xdg-open, when a browser is at hand: a graphical session (DISPLAY or WAYLAND_DISPLAY) and a
   * person at a terminal; a script or a test that reads the address gets it printed only.
   */
  static Optional<Path> opener(Map<String, String> env) {
    boolean display =
        !env.getOrDefault("DISPLAY", "").isBlank()
            || !env.getOrDefault("WAYLAND_DISPLAY", "").isBlank();
    if (!display || !Terminal.isTerminal(1)) {
      return Optional.empty();
    }
    for (String dir : env.getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, "xdg-open");
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private void open(Path opener, String url) {
    try {
      // Not waited for: xdg-open may stay as long as the browser it started.
      new ProcessBuilder(opener.toString(), url)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      spec.commandLine().getErr().println("ferry: could not open a browser: " + e.getMessage());
    }
  }
}
