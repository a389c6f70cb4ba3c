package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx configured as a Delivery Optimization cache node ({@code dist/cache-node}), started
 * by {@code scripts/cache-node run} on a free port of {@code 127.0.0.1} with a new cache directory,
 * for tests that fetch through a cache host.
 *
 * <p>Clients ask it {@code http://127.0.0.1:PORT/<origin path>?<query>&cacheHostOrigin=<origin
 * host[:port]>}; it fetches from the origins it {@link #allowing allows} and answers 403 for any
 * other. {@link #start()} returns once its health path ({@link #HEALTH_PATH}) answers.
 *
 * <p>Where nginx is missing, {@link #start()} aborts the calling test (a JUnit assumption) with a
 * message that says so, unless the environment has {@code CI=true}: there it fails, because {@code
 * .ci/run} installs nginx.
 *
 * <pre>{@code
 * try (TestOrigin origin = TestOrigin.start();
 *     CacheNode node = CacheNode.allowing("127.0.0.1:" + origin.port()).start()) {
 *   URI viaCache = node.uri("/file.bin", origin);
 * }
 * }</pre>
 */
public final class CacheNode implements AutoCloseable {

  /**
   * The path the node answers by itself with 200 and a 1x1 GIF: Microsoft's documented check of a
   * cache server.
   */
  public static final String HEALTH_PATH = "/mscomtest/wuidt.gif";

  /** How long nginx may take to answer its health path on a loaded machine. */
  public static final Duration START_PATIENCE = Duration.ofSeconds(30);

  private static final Duration STOP_PATIENCE = Duration.ofSeconds(10);
  private static final String SCRIPT = "scripts/cache-node";
  private static final int PORT_ATTEMPTS = 5;

  private final Process process;
  private final Path directory;
  private final int port;

  private CacheNode(Process process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
  }

  /**
   * A node that allows {@code origins}, each as clients name it in {@code cacheHostOrigin}: {@code
   * HOST}, {@code HOST:PORT}, or {@code HOST[:PORT]=ADDR:PORT} to fetch it from another address.
   */
  public static Launch allowing(String... origins) {
    return new Launch(List.of(origins));
  }

  /** The node's settings before it starts; sizes and times in nginx's units. */
  public static final class Launch {
    private final List<String> origins;
    private String slice = "1m";
    private String size = "1g";
    private String maxAge = "1h";
    private boolean ignoreQuery;

    private Launch(List<String> origins) {
      if (origins.isEmpty()) {
        throw new IllegalArgumentException("a cache node needs at least one allowed origin");
      }
      this.origins = origins;
    }

    /** The piece size fetched from origins and cached ({@code 1m} unless set). */
    public Launch slice(String slice) {
      this.slice = slice;
      return this;
    }

    /** The most disk the cache may take ({@code 1g} unless set). */
    public Launch size(String size) {
      this.size = size;
      return this;
    }

    /** How long a cached piece is fresh ({@code 1h} unless set). */
    public Launch maxAge(String maxAge) {
      this.maxAge = maxAge;
      return this;
    }

    /** Leaves the query out of the cache key. */
    public Launch ignoreQuery() {
      this.ignoreQuery = true;
      return this;
    }

    /**
     * Starts nginx and returns once its health path answers.
     *
     * @throws org.opentest4j.TestAbortedException if nginx is missing and {@code CI} is not set
     * @throws IllegalStateException if nginx is missing under CI, or did not start
     */
    public CacheNode start() {
      requireNginx();
      Path script = script();
      Path directory;
      try {
        directory = Files.createTempDirectory("ferry-cache-node-");
        // As root, nginx's workers run as nobody and must reach the cache below this directory.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      IllegalStateException failure = null;
      for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
        int port = freePort();
        CacheNode node = launch(script, directory, port);
        try {
          node.awaitHealthy();
          return node;
        } catch (IllegalStateException e) {
          String log = node.output();
          node.stop();
          failure = e;
          // Another process may have taken the port between its probe and nginx's bind.
          if (!log.contains("Address already in use")) {
            break;
          }
        }
      }
      TestFiles.deleteTree(directory);
      throw failure;
    }

    private CacheNode launch(Path script, Path directory, int port) {
      List<String> command = new ArrayList<>();
      command.addAll(List.of("bash", script.toString(), "run", "--no-install"));
      command.addAll(List.of("--dir", directory.toString()));
      command.addAll(List.of("--listen", "127.0.0.1:" + port));
      command.addAll(List.of("--size", size, "--max-age", maxAge, "--slice", slice));
      command.addAll(List.of("--allow", String.join(",", origins), "--workers", "1"));
      if (ignoreQuery) {
        command.add("--ignore-query");
      }
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(directory.resolve("output.log").toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      try {
        return new CacheNode(builder.start(), directory, port);
      } catch (IOException e) {
        throw new UncheckedIOException("could not run " + script, e);
      }
    }
  }

  /**
   * Why nginx cannot run here, or null where it can: its executable is on the path or in {@code
   * /usr/sbin} (where Debian's package puts it) and {@code scripts/cache-node} is found.
   */
  public static String unavailable() {
    if (!hasNginx()) {
      return "nginx is not installed (as root: scripts/cache-node install, or apt-get install"
          + " nginx-light)";
    }
    try {
      script();
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
    return null;
  }

  private static void requireNginx() {
    require(unavailable(), System.getenv("CI"));
  }

  /** Returns where nothing is {@code missing}; else aborts the test, or fails it under CI. */
  static void require(String missing, String ci) {
    if (missing == null) {
      return;
    }
    if ("true".equalsIgnoreCase(ci)) {
      throw new IllegalStateException(
          "cache node tests cannot run under CI: " + missing + " (.ci/run installs it)");
    }
    Assumptions.abort("skipped: " + missing + "; CI=true makes this a failure");
  }

  private static boolean hasNginx() {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.add("/usr/sbin");
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .anyMatch(d -> Files.isExecutable(Path.of(d, "nginx")));
  }

  /** {@code scripts/cache-node} of the checkout the tests run in: the first found above here. */
  private static Path script() {
    String given = System.getProperty("ferry.cacheNode.script");
    if (given != null) {
      return Path.of(given);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve(SCRIPT);
      if (Files.isRegularFile(script)
          && Files.isRegularFile(dir.resolve("dist/cache-node/nginx.conf.template"))) {
        return script;
      }
    }
    throw new IllegalStateException(
        "no " + SCRIPT + " above " + Path.of("").toAbsolutePath() + " (-Dferry.cacheNode.script)");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy() {
    Instant deadline = Instant.now().plus(START_PATIENCE);
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .proxy(HttpClient.Builder.NO_PROXY)
            .build()) {
      HttpRequest health =
          HttpRequest.newBuilder(uri(HEALTH_PATH)).timeout(Duration.ofSeconds(5)).build();
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the cache node ended with exit code " + process.exitValue() + ":\n" + output());
        }
        try {
          HttpResponse<Void> response = client.send(health, HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // Not listening yet.
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the cache node was starting", e);
    }
    throw new IllegalStateException(
        "the cache node did not answer "
            + HEALTH_PATH
            + " within "
            + START_PATIENCE
            + ":\n"
            + output());
  }

  /** {@code http://127.0.0.1:PORT} followed by {@code pathAndQuery}, taken as it is. */
  public URI uri(String pathAndQuery) {
    return URI.create(url() + pathAndQuery);
  }

  /**
   * How a client asks this node for {@code path} (with its query, if any) of {@code origin}: the
   * path and query kept, {@code cacheHostOrigin=127.0.0.1:PORT} appended.
   */
  public URI uri(String path, TestOrigin origin) {
    URI direct = origin.uri(path);
    String query = direct.getRawQuery();
    String tail = "cacheHostOrigin=" + direct.getHost() + ":" + direct.getPort();
    return uri(direct.getRawPath() + "?" + (query == null ? tail : query + "&" + tail));
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String url() {
    return "http://" + host();
  }

  /** {@code 127.0.0.1:PORT}: what a client's cache host setting names. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The node's directory: its configuration, logs and cache. */
  public Path directory() {
    return directory;
  }

  /** nginx's error log so far, for failure messages. */
  public String errorLog() {
    return read(directory.resolve("logs/error.log"));
  }

  /** What the script and nginx printed, and the error log. */
  private String output() {
    return read(directory.resolve("output.log")) + errorLog();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(" + file + " unreadable: " + e + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops nginx (SIGTERM, then SIGKILL to it and its workers) and removes its directory. */
  @Override
  public void close() {
    stop();
    TestFiles.deleteTree(directory);
  }

  private void stop() {
    // Taken first: once the master is gone, its workers are no longer its descendants.
    List<ProcessHandle> workers = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    for (ProcessHandle worker : workers) {
      worker.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return "CacheNode[" + host() + ", " + directory + "]";
  }
}
