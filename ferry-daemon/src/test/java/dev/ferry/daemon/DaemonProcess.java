package dev.ferry.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real ferryd process, started with the test's own JVM and classpath. Its stdout lines are kept;
 * its stderr (the log) goes to a file beside the data directory, shown when it fails to start.
 */
final class DaemonProcess implements AutoCloseable {
  static final Duration STARTUP = Duration.ofSeconds(60);

  final Process process;
  final Path socket;
  final Path log;
  final List<String> stdout = new CopyOnWriteArrayList<>();
  private final CompletableFuture<String> listening = new CompletableFuture<>();

  private DaemonProcess(Process process, Path socket, Path log) {
    this.process = process;
    this.socket = socket;
    this.log = log;
    Thread.ofVirtual()
        .name("ferryd-stdout-" + process.pid())
        .start(() -> {
          try (BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
              stdout.add(line);
              if (line.startsWith(FerryDaemon.LISTENING)) {
                listening.complete(line);
              }
            }
          } catch (IOException ignored) {
            // The process ended.
          }
          listening.completeExceptionally(new IllegalStateException("ferryd ended"));
        });
  }

  /** The command line of a daemon with these arguments. */
  static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xshare:auto");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FerryDaemon.class.getName());
    command.addAll(args);
    return command;
  }

  /** Starts a daemon on {@code socket} over {@code dataDir}, returning once it listens. */
  static DaemonProcess start(Path socket, Path dataDir, String... extra) {
    DaemonProcess daemon = launch(socket, dataDir, extra);
    daemon.awaitListening();
    return daemon;
  }

  /** Starts a daemon without waiting for it. */
  static DaemonProcess launch(Path socket, Path dataDir, String... extra) {
    List<String> args = new ArrayList<>(List.of("--socket", socket.toString()));
    args.addAll(List.of("--data-dir", dataDir.toString(), "--read-timeout-seconds", "3"));
    args.addAll(List.of(extra));
    try {
      Path log = Files.createTempFile(dataDir.getParent(), "ferryd-", ".log");
      Process process =
          new ProcessBuilder(command(args))
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new DaemonProcess(process, socket, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void awaitListening() {
    try {
      String line = listening.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
      if (!line.equals(FerryDaemon.LISTENING + socket)) {
        throw new IllegalStateException("unexpected line: " + line);
      }
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("ferryd did not start; its log:\n" + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Waits for the process to end by itself; its exit code. */
  int awaitExit() {
    try {
      if (!process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("ferryd did not exit; its log:\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM, then the exit code. */
  int terminate() {
    process.destroy();
    return awaitExit();
  }

  /** SIGKILL, as a crash. */
  void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
