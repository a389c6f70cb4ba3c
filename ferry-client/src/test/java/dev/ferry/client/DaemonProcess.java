package dev.ferry.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real ferryd in a process of its own, started from this JVM's class path; ready once it prints
 * {@code ferryd listening on}. Closing it stops it (SIGTERM, then SIGKILL if it hangs).
 */
final class DaemonProcess implements AutoCloseable {
  static final Duration START_PATIENCE = Duration.ofSeconds(60);
  private static final Duration STOP_PATIENCE = Duration.ofSeconds(30);

  final Path socket;
  final Path dataDir;
  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CountDownLatch listening = new CountDownLatch(1);

  private DaemonProcess(Path socket, Path dataDir, List<String> command) {
    this.socket = socket;
    this.dataDir = dataDir;
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The origin is on loopback: no proxy from the environment may get in the way.
    for (String proxy : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) {
      builder.environment().remove(proxy);
    }
    try {
      this.process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofPlatform().daemon().name("ferryd-output").start(this::pump);
  }

  /**
   * Starts ferryd on {@code socket} over {@code dataDir} and waits until it accepts connections.
   */
  static DaemonProcess start(Path socket, Path dataDir) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xshare:auto");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.ferry.daemon.FerryDaemon");
    command.addAll(
        List.of(
            "--socket",
            socket.toString(),
            "--data-dir",
            dataDir.toString(),
            "--read-timeout-seconds",
            "3"));
    DaemonProcess daemon = new DaemonProcess(socket, dataDir, command);
    daemon.awaitListening();
    return daemon;
  }

  private void pump() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        output.append(line).append('\n');
        if (line.startsWith("ferryd listening on")) {
          listening.countDown();
        }
      }
    } catch (IOException ignored) {
      // The process is gone; what it wrote is in the buffer.
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + START_PATIENCE.toNanos();
    try {
      while (!listening.await(100, TimeUnit.MILLISECONDS)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException(
              "ferryd did not start listening on " + socket + "; its output:\n" + output);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while ferryd was starting", e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    return output.toString();
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  int terminate() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("ferryd ignored SIGTERM; its output:\n" + output);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
