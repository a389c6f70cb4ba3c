package dev.ferry.swarm;

import dev.ferry.swarm.content.SwarmKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * opentracker (Debian's package, which .ci/run installs) as a child process on 127.0.0.1, HTTP and
 * UDP on one free port. Debian builds it allow-list only: it is started with {@code -w} naming a
 * file of the allowed 20-byte keys, one per line as 40 hex digits. Where it is missing the tests
 * that need it fail under CI and are skipped elsewhere, saying what to install, as {@link
 * Libtorrent} does for libtorrent.
 */
public final class Opentracker implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/opentracker");

  private static final String ALLOW_LIST = "allowed.txt";

  private final Process process;
  private final int port;
  private final Path log;

  private Opentracker(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts opentracker allowing {@code allowed}, in {@code dir}; fails under CI, else skips the
   * test, when it is not installed.
   */
  public static Opentracker start(Path dir, List<SwarmKey> allowed) throws IOException {
    assumeInstalled();
    // Run as root, opentracker chroots into -d and becomes "nobody": the directory and the list
    // must be readable by anyone, and the list is named relative to the new root.
    Path root = Files.createDirectories(dir.resolve("opentracker"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path list = root.resolve(ALLOW_LIST);
    Files.writeString(
        list, allowed.stream().map(SwarmKey::hex).collect(Collectors.joining("\n", "", "\n")));
    Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-r--r--"));
    Path log = dir.resolve("opentracker.log");
    int port = freePort();
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "-i",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-P",
                Integer.toString(port),
                "-d",
                root.toString(),
                "-w",
                ALLOW_LIST)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Opentracker tracker = new Opentracker(process, port, log);
    tracker.awaitListening();
    if (!allowed.isEmpty()) {
      tracker.awaitAllowed(allowed.get(0));
    }
    return tracker;
  }

  public URI http() {
    return URI.create("http://127.0.0.1:" + port + "/announce");
  }

  public URI udp() {
    return URI.create("udp://127.0.0.1:" + port + "/announce");
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("opentracker ended: " + Files.readString(log));
      }
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError(
              "opentracker does not listen on " + port + ": " + Files.readString(log));
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  /**
   * Waits until {@code key} is allowed: opentracker reads its allow-list on a thread of its own
   * after it listens, and refuses every key ("not authorized") until then, which failed a test that
   * announced at once on a loaded machine. Asks with event=stopped, which adds no peer.
   */
  private void awaitAllowed(SwarmKey key) throws IOException {
    URI ask =
        URI.create(
            http()
                + "?info_hash="
                + percent(key.bytes())
                + "&peer_id="
                + percent("-FY0000-awaitallowed".getBytes(StandardCharsets.US_ASCII))
                + "&port=1&uploaded=0&downloaded=0&left=0&event=stopped&compact=1");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      HttpURLConnection connection = (HttpURLConnection) ask.toURL().openConnection();
      String answer;
      try (InputStream in = connection.getInputStream()) {
        answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      } finally {
        connection.disconnect();
      }
      if (!answer.contains("not authorized")) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("opentracker never allowed " + key.hex() + ": " + answer);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  private static String percent(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append('%').append(String.format("%02X", b & 0xff));
    }
    return out.toString();
  }

  /** A port free for both TCP and UDP on 127.0.0.1 a moment ago. */
  private static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; ; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
          DatagramSocket udp =
              new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
        return tcp.getLocalPort();
      } catch (IOException taken) {
        if (attempt == 20) {
          throw taken;
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private static void assumeInstalled() {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    String message =
        "opentracker is missing (" + BINARY + "): install Debian's opentracker (.ci/run does)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
  }
}
