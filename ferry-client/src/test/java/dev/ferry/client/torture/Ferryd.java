package dev.ferry.client.torture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real ferryd in a child process, started from this JVM's class path, for harnesses that kill it.
 * Its output goes to a log file that outlives restarts (the history of every round is what explains
 * a failure) and the last lines stay in memory for failure messages.
 */
public final class Ferryd implements AutoCloseable {
  private static final Duration START_PATIENCE = Duration.ofSeconds(90);
  private static final Duration STOP_PATIENCE = Duration.ofSeconds(30);
  private static final int TAIL_LINES = 200;

  private final Path socket;
  private final Process process;
  private final Deque<String> tail = new ArrayDeque<>();
  private final CountDownLatch listening = new CountDownLatch(1);
  private final Writer log;
  private final Thread pump;

  private Ferryd(Path socket, List<String> command, Path logFile) {
    this.socket = socket;
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The origin is on loopback: a proxy from the environment must not get in the way.
    for (String proxy : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) {
      builder.environment().remove(proxy);
    }
    try {
      this.log =
          Files.newBufferedWriter(
              logFile,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
      this.process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.pump = Thread.ofPlatform().daemon().name("ferryd-output").start(this::pump);
  }

  /**
   * Starts ferryd over {@code dataDir} and returns once it accepts connections on {@code socket}.
   */
  public static Ferryd start(Path socket, Path dataDir, Path logFile) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xshare:auto");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.ferry.daemon.FerryDaemon");
    command.addAll(List.of("--socket", socket.toString(), "--data-dir", dataDir.toString()));
    Ferryd daemon = new Ferryd(socket, command, logFile);
    daemon.awaitListening();
    return daemon;
  }

  public Path socket() {
    return socket;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** The last lines ferryd printed. */
  public String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /**
   * SIGKILL (what {@link Process#destroyForcibly()} sends on Linux): no shutdown hook, no last
   * checkpoint, no cleanup. Returns once the process is gone.
   */
  public void kill() {
    process.destroyForcibly();
    waitGone();
  }

  /** SIGTERM, the clean stop; returns the exit code. */
  public int terminate() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        waitGone();
        throw new IllegalStateException("ferryd ignored SIGTERM; its last lines:\n" + tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException(e);
    }
    joinPump();
    return process.exitValue();
  }

  private void waitGone() {
    try {
      if (!process.waitFor(STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("ferryd survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    joinPump();
  }

  private void joinPump() {
    try {
      pump.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pump() {
    try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = log) {
      out.write("--- ferryd pid " + process.pid() + " started\n");
      for (String line; (line = reader.readLine()) != null; ) {
        out.write(line);
        out.write('\n');
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        if (line.startsWith("ferryd listening on")) {
          out.flush();
          listening.countDown();
        }
      }
      out.write("--- ferryd pid " + process.pid() + " gone\n");
    } catch (IOException ignored) {
      // The process is gone; what it wrote is in the tail.
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + START_PATIENCE.toNanos();
    try {
      while (!listening.await(50, TimeUnit.MILLISECONDS)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException(
              "ferryd did not start listening on " + socket + "; its last lines:\n" + tail());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while ferryd was starting", e);
    }
  }

  /** Stops the process if it still runs: SIGTERM, then SIGKILL if it hangs. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
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
