package dev.ferry.cli;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.testkit.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code ferry} in a child JVM on a real pseudo-terminal, made by util-linux's {@code script}: what
 * it prints arrives as a terminal shows it, and a Ctrl+C typed into the terminal reaches it as the
 * terminal driver delivers one (SIGINT to the foreground process group).
 */
final class Pty implements AutoCloseable {
  private final Process process;
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final Thread reader;

  private Pty(Process process) {
    this.process = process;
    this.reader =
        Thread.ofVirtual()
            .start(() -> {
              try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) > 0; ) {
                  synchronized (screen) {
                    screen.write(buffer, 0, n);
                  }
                }
              } catch (IOException ended) {
                // The terminal closed with the process.
              }
            });
  }

  /** {@code java … dev.ferry.cli.FerryCommand ARGS} on a new pseudo-terminal. */
  static Pty ferry(Path scratch, String... args) {
    return ferryRedirected(scratch, "", args);
  }

  /**
   * The same with a shell redirection after the command ({@code 2>FILE}, {@code >FILE}), so that
   * one of its streams is a file while the others stay on the terminal.
   */
  static Pty ferryRedirected(Path scratch, String redirection, String... args) {
    assumeThat(Files.isExecutable(Path.of("/usr/bin/script")))
        .as("util-linux's script makes the pseudo-terminal")
        .isTrue();
    List<String> command = ChildJvm.command(FerryCommand.class.getName(), List.of(args));
    String line =
        "exec "
            + command.stream().map(Pty::quote).collect(Collectors.joining(" "))
            + (redirection.isEmpty() ? "" : " " + redirection);
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  "script", "--quiet", "--return", "--flush", "--command", line, "/dev/null")
              .redirectError(Files.createTempFile(scratch, "script-", ".err").toFile());
      builder.environment().put("TERM", "xterm-256color");
      builder.environment().put("SHELL", "/bin/sh");
      return new Pty(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything the terminal has shown so far. */
  String screen() {
    synchronized (screen) {
      return screen.toString(StandardCharsets.UTF_8);
    }
  }

  /** Types Ctrl+C. */
  void interrupt() throws IOException {
    process.getOutputStream().write(3);
    process.getOutputStream().flush();
  }

  /** The exit code, after at most a minute. */
  int waitFor() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("ferry did not end; the terminal showed:\n" + screen());
    }
    // The terminal's last bytes: the reader ends when the terminal closes.
    reader.join(Duration.ofSeconds(30));
    return process.exitValue();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }
}
