package dev.ferry.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real ferryd in a child JVM ({@link ChildJvm}) started from a class path that holds
 * ferry-daemon, by default this JVM's: {@code java … dev.ferry.daemon.FerryDaemon --socket S
 * --data-dir D OPTIONS…}. It is ready once it prints {@code ferryd listening on S}.
 *
 * <p>Its stdout and stderr (the log) go, line by line, to a log file: by default a new one beside
 * the data directory; given one, they are appended to it, so that one file keeps the history of
 * every daemon a test restarted. {@link #log()} is what this process printed, {@link #tail()} its
 * last lines, kept in memory for failure messages.
 *
 * <p>The test kit cannot depend on ferry-daemon (it is built before it), so ferryd's main class and
 * the start of its ready line are named here as strings; {@code FerryDaemon.LISTENING} is the
 * latter.
 *
 * <pre>{@code
 * try (Ferryd daemon = Ferryd.start(socket, dataDir, "--read-timeout-seconds", "3")) { … }
 * Ferryd.on(socket, dataDir).through("dev.ferry.cli.FerryCommand", "daemon").start();
 * }</pre>
 */
public final class Ferryd implements AutoCloseable {
  /** ferryd's main class. */
  public static final String MAIN_CLASS = "dev.ferry.daemon.FerryDaemon";

  /** The start of the line ferryd prints on stdout once it accepts connections on its socket. */
  public static final String LISTENING = "ferryd listening on ";

  /** How long ferryd may take to start on a loaded machine. */
  public static final Duration START_PATIENCE = Duration.ofSeconds(90);

  /** How long ferryd may take to stop after SIGTERM, or to end by itself. */
  public static final Duration STOP_PATIENCE = Duration.ofSeconds(60);

  private static final Duration KILL_PATIENCE = Duration.ofSeconds(30);
  private static final Duration SHORT_PATIENCE = Duration.ofSeconds(10);
  private static final int TAIL_LINES = 200;

  private final Path socket;
  private final Path logFile;
  private final long logStart;
  private volatile long logEnd = -1;
  private final Writer log;
  private final Process process;
  private final Deque<String> tail = new ArrayDeque<>();
  private final CompletableFuture<String> listening = new CompletableFuture<>();
  private final Thread reader;

  /** Starts ferryd on {@code socket} over {@code dataDir} and returns once it listens. */
  public static Ferryd start(Path socket, Path dataDir, String... options) {
    return on(socket, dataDir).options(options).start();
  }

  /** A daemon to start on {@code socket} over {@code dataDir}, with more settings to come. */
  public static Launch on(Path socket, Path dataDir) {
    return new Launch(socket, dataDir);
  }

  /** What to start: the main class, its arguments, the class path and where the log goes. */
  public static final class Launch {
    private final Path socket;
    private final Path dataDir;
    private String mainClass = MAIN_CLASS;
    private List<String> wrapper = List.of();
    private List<String> subcommand = List.of();
    private final List<String> options = new ArrayList<>();
    private String classPath = System.getProperty("java.class.path");
    private Path logFile;
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();
    private boolean journalStream;

    private Launch(Path socket, Path dataDir) {
      this.socket = socket;
      this.dataDir = dataDir;
    }

    /**
     * Runs ferryd through another main class, with {@code subcommand} between its {@code --socket S
     * --data-dir D} and the options: {@code through("dev.ferry.cli.FerryCommand", "daemon")} is
     * {@code ferry --socket S --data-dir D daemon OPTIONS…}.
     */
    public Launch through(String mainClass, String... subcommand) {
      this.mainClass = mainClass;
      this.subcommand = List.of(subcommand);
      return this;
    }

    /** More arguments, after the others. */
    public Launch options(String... options) {
      this.options.addAll(Arrays.asList(options));
      return this;
    }

    /** The class path of the child JVM; by default this JVM's. */
    public Launch classPath(String classPath) {
      this.classPath = classPath;
      return this;
    }

    /** Sets an environment variable of the daemon. */
    public Launch environment(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /**
     * Starts the daemon as systemd starts a service whose output goes to the journal: with {@code
     * JOURNAL_STREAM} naming the device and inode of its standard error (which is still this
     * launcher's pipe), set by a shell that then execs the JVM, so the pid stays the daemon's.
     */
    public Launch journalStream() {
      this.journalStream = true;
      return this;
    }

    /** Appends the daemon's output to {@code file}, created if need be. */
    public Launch log(Path file) {
      this.logFile = file;
      return this;
    }

    /**
     * Runs the daemon through {@code wrapper} (a command that runs the rest of its line, such as
     * {@code ip netns exec NAME}): the daemon of another network namespace.
     */
    public Launch inside(List<String> wrapper) {
      this.wrapper = List.copyOf(wrapper);
      return this;
    }

    /** Starts the process and returns at once. */
    public Ferryd launch() {
      List<String> args = new ArrayList<>();
      args.addAll(List.of("--socket", socket.toString(), "--data-dir", dataDir.toString()));
      args.addAll(subcommand);
      args.addAll(options);
      try {
        Path file = logFile;
        if (file == null) {
          Path beside = dataDir.toAbsolutePath().getParent();
          Files.createDirectories(beside);
          file = Files.createTempFile(beside, "ferryd-", ".log");
        }
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(ChildJvm.command(classPath, mainClass, args));
        if (journalStream) {
          List<String> shell =
              new ArrayList<>(
                  List.of(
                      "sh",
                      "-c",
                      "export JOURNAL_STREAM=\"$(stat -L -c %d:%i /proc/self/fd/2)\"; exec \"$@\"",
                      "ferryd"));
          shell.addAll(command);
          command = shell;
        }
        return new Ferryd(socket, command, environment, file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Starts the process and returns once it listens on its socket. */
    public Ferryd start() {
      Ferryd daemon = launch();
      daemon.awaitListening();
      return daemon;
    }
  }

  private Ferryd(
      Path socket, List<String> command, java.util.Map<String, String> environment, Path logFile)
      throws IOException {
    this.socket = socket;
    this.logFile = logFile;
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // Origins are on loopback: a proxy from the environment must not get in the way.
    for (String proxy : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) {
      builder.environment().remove(proxy);
    }
    // A test's daemon is no service: what the test itself runs under must not make it one.
    builder.environment().remove("JOURNAL_STREAM");
    builder.environment().putAll(environment);
    this.log =
        Files.newBufferedWriter(
            logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    try {
      this.process = builder.start();
      log.write("--- ferryd pid " + process.pid() + " started\n");
      log.flush();
      this.logStart = Files.size(logFile);
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
    this.reader =
        Thread.ofPlatform().daemon().name("ferryd-" + process.pid()).start(this::readOutput);
  }

  private void readOutput() {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = log) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line);
        out.write('\n');
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        if (line.startsWith(LISTENING)) {
          out.flush();
          listening.complete(line.substring(LISTENING.length()));
        }
      }
      out.flush();
      logEnd = Files.size(logFile);
      out.write("--- ferryd pid " + process.pid() + " gone\n");
    } catch (IOException ignored) {
      // The process is gone; what it wrote is in the log and the tail.
    } finally {
      listening.completeExceptionally(new IllegalStateException("ferryd ended"));
    }
  }

  /**
   * Returns once ferryd listens on its socket.
   *
   * @throws IllegalStateException, after killing it, if it ended, took longer than {@link
   *     #START_PATIENCE} or listens elsewhere
   */
  public void awaitListening() {
    try {
      String where = listening.get(START_PATIENCE.toSeconds(), TimeUnit.SECONDS);
      if (!where.equals(socket.toString())) {
        kill();
        throw new IllegalStateException("ferryd listens on " + where + ", not " + socket);
      }
    } catch (ExecutionException | TimeoutException e) {
      kill();
      throw new IllegalStateException(
          "ferryd did not start listening on " + socket + "; its last lines:\n" + tail(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException("interrupted while ferryd was starting", e);
    }
  }

  public Path socket() {
    return socket;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * What this process printed, stdout and stderr, so far: all of it once it has ended ({@link
   * #awaitExit}, {@link #terminate}, {@link #kill} wait for its last lines).
   */
  public String log() {
    long end = logEnd;
    try {
      if (end < 0) {
        try {
          log.flush();
        } catch (IOException closed) {
          // The reader closed it: the process has ended.
        }
        end = logEnd >= 0 ? logEnd : Files.size(logFile);
      }
      try (FileChannel channel = FileChannel.open(logFile)) {
        int length = (int) Math.max(0, Math.min(end, channel.size()) - logStart);
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining() && channel.read(bytes, logStart + bytes.position()) > 0) {
          // reads until the buffer is full
        }
        return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The last lines this process printed. */
  public String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /**
   * Waits for the process to end by itself.
   *
   * @return its exit code
   * @throws IllegalStateException, after killing it, if it runs on after {@link #STOP_PATIENCE}
   */
  public int awaitExit() {
    if (!waitFor(STOP_PATIENCE)) {
      kill();
      throw new IllegalStateException(
          "ferryd did not exit within " + STOP_PATIENCE + "; its last lines:\n" + tail());
    }
    joinReader();
    return process.exitValue();
  }

  /** SIGTERM, the clean stop; returns the exit code. */
  public int terminate() {
    signal(false);
    return awaitExit();
  }

  /**
   * SIGKILL (what {@link ProcessHandle#destroyForcibly()} sends on Linux), as a crash: no shutdown
   * hook, no last checkpoint, no cleanup. Returns once the process is gone.
   */
  public void kill() {
    signal(true);
    if (!waitFor(KILL_PATIENCE)) {
      throw new IllegalStateException("ferryd survived SIGKILL");
    }
    joinReader();
  }

  /** Stops the process if it still runs: SIGTERM, then SIGKILL if it hangs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      signal(false);
      if (!waitFor(KILL_PATIENCE)) {
        signal(true);
        waitFor(SHORT_PATIENCE);
      }
    }
    joinReader();
  }

  /**
   * SIGTERM, or SIGKILL if {@code kill}, through the process's handle: {@link Process#destroy()}
   * would also close the pipe, and with it the last lines ferryd writes on its way out.
   */
  private void signal(boolean kill) {
    ProcessHandle handle = process.toHandle();
    if (kill) {
      handle.destroyForcibly();
    } else {
      handle.destroy();
    }
  }

  private boolean waitFor(Duration patience) {
    try {
      return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      signal(true);
      throw new IllegalStateException("interrupted while waiting for ferryd to end", e);
    }
  }

  /** Until the reader has taken the last lines; a child of ferryd may hold the pipe open. */
  private void joinReader() {
    try {
      reader.join(SHORT_PATIENCE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ferryd pid " + process.pid() + " on " + socket;
  }
}
