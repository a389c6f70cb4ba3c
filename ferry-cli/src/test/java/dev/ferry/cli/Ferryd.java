package dev.ferry.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real ferryd process on this test's class path: started directly ({@code
 * dev.ferry.daemon.FerryDaemon}) or through {@code ferry daemon}. Its log (stderr) goes to a file,
 * shown when it fails to start.
 */
final class Ferryd implements AutoCloseable {
  private static final String LISTENING = "ferryd listening on ";

  final Process process;
  final Path socket;
  private final Path log;
  private final CompletableFuture<String> listening = new CompletableFuture<>();

  private Ferryd(Process process, Path socket, Path log) {
    this.process = process;
    this.socket = socket;
    this.log = log;
    Thread.ofVirtual()
        .start(() -> {
          try (BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
              if (line.startsWith(LISTENING)) {
                listening.complete(line.substring(LISTENING.length()));
              }
            }
          } catch (IOException ended) {
            // The process ended; the future below says so.
          }
          listening.completeExceptionally(new IllegalStateException("ferryd ended"));
        });
  }

  /** {@code java … dev.ferry.daemon.FerryDaemon --socket S --data-dir D}. */
  static Ferryd start(Path socket, Path dataDir) {
    return start(
        socket,
        dataDir,
        List.of(
            "dev.ferry.daemon.FerryDaemon",
            "--socket",
            socket.toString(),
            "--data-dir",
            dataDir.toString(),
            "--read-timeout-seconds",
            "5"));
  }

  /** {@code java … dev.ferry.cli.FerryCommand --socket S --data-dir D daemon}. */
  static Ferryd startThroughFerry(Path socket, Path dataDir) {
    return start(
        socket,
        dataDir,
        List.of(
            FerryCommand.class.getName(),
            "--socket",
            socket.toString(),
            "--data-dir",
            dataDir.toString(),
            "daemon",
            "--read-timeout-seconds",
            "5"));
  }

  private static Ferryd start(Path socket, Path dataDir, List<String> mainAndArgs) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    try {
      Files.createDirectories(dataDir.getParent());
      Path log = Files.createTempFile(dataDir.getParent(), "ferryd-", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      Ferryd daemon = new Ferryd(process, socket, log);
      daemon.awaitListening();
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening() {
    try {
      String where = listening.get(60, TimeUnit.SECONDS);
      if (!where.equals(socket.toString())) {
        close();
        throw new IllegalStateException("ferryd listens on " + where + ", not " + socket);
      }
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IllegalStateException("ferryd did not start; its log:\n" + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException(e);
    }
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, then the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("ferryd did not stop; its log:\n" + log());
    }
    return process.exitValue();
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
