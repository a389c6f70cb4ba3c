package dev.ferry.cli;

import dev.ferry.testkit.Ferryd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code ferry} in-process through the real command line, with the global options given once
 * (a temporary data directory, a socket nobody listens on…), and captures what it prints.
 */
final class Cli {
  record Result(int code, String out, String err) {
    /** The output without its final line break. */
    String value() {
      return out.stripTrailing();
    }

    List<String> lines() {
      return out.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  private final List<String> global;

  Cli(String... global) {
    this.global = List.of(global);
  }

  Result run(String... args) {
    List<String> all = new ArrayList<>(global);
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = FerryCommand.commandLine(all.toArray(String[]::new));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * A real ferryd, as these tests start it, on {@code socket} over {@code dataDir}: its transfers
   * count 5 s without data as a stall.
   */
  static Ferryd.Launch ferryd(Path socket, Path dataDir) {
    return Ferryd.on(socket, dataDir).options("--read-timeout-seconds", "5");
  }
}
