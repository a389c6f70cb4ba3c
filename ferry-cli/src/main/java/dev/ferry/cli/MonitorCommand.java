package dev.ferry.cli;

import dev.ferry.rest.JobView;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code monitor}: the job table, refreshed until Ctrl+C (or {@code --count} snapshots). With
 * {@code --json} each refresh prints one line: a JSON array of JobView, for line-by-line readers.
 * With the embedded engine, jobs transfer while it runs.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = "Show your jobs, refreshed every few seconds until Ctrl+C.")
final class MonitorCommand extends Verb {
  /** Always with seconds: LocalTime's own text drops them at :00, and the header jumped. */
  private static final java.time.format.DateTimeFormatter CLOCK =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

  @Option(names = "--all-users", description = "every user's jobs (administrators only)")
  boolean allUsers;

  @Option(
      names = "--refresh",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "seconds between refreshes (default: ${DEFAULT-VALUE})")
  double refreshSeconds;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "0",
      description = "stop after N refreshes (default: run until Ctrl+C)")
  int count;

  @Mixin JsonOption jsonOption;

  @Override
  boolean sharesEngine() {
    return true;
  }

  @Override
  void validate() {
    if (!(refreshSeconds > 0) || refreshSeconds > 86_400) {
      throw usage("--refresh takes a number of seconds above 0");
    }
    if (count < 0) {
      throw usage("--count takes 0 (no limit) or more");
    }
  }

  @Override
  int run(Session session) throws InterruptedException {
    Foreground foreground = foreground(() -> {});
    boolean json = json(jsonOption);
    boolean terminal = !json && Terminal.isTerminal(Terminal.STDOUT);
    Duration refresh = Duration.ofMillis(Math.round(refreshSeconds * 1000));
    for (int shown = 1; ; shown++) {
      List<JobView> jobs = Views.of(session.manager().enumJobs(allUsers));
      if (json) {
        printJson(jobs, false);
      } else {
        if (terminal) {
          out().print("\033[H\033[2J");
        } else if (shown > 1) {
          out().println();
        }
        out()
            .println(
                LocalTime.now().format(CLOCK)
                    + "  "
                    + jobs.size()
                    + " job(s) in "
                    + session.choice().describe()
                    + (count == 0 ? "  (Ctrl+C stops)" : ""));
        if (!jobs.isEmpty()) {
          Views.printJobs(out(), jobs, allUsers);
        }
        out().flush();
      }
      if (count > 0 && shown >= count) {
        return ExitCodes.OK;
      }
      if (foreground.pause(refresh)) {
        return ExitCodes.INTERRUPTED;
      }
    }
  }
}
