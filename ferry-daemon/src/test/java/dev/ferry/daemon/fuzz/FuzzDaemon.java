package dev.ferry.daemon.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.HResult;
import dev.ferry.daemon.DaemonOptions;
import dev.ferry.daemon.FerryDaemon;
import dev.ferry.engine.Ferry;
import dev.ferry.rest.HttpStatusMapping;
import dev.ferry.rest.Json;
import dev.ferry.rest.Problem;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestOrigin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One in-process ferryd for a fuzz test class, served over its real transports, and the checks that
 * every fuzz input must leave true. Running in the fuzzer's JVM lets Jazzer see the coverage of the
 * daemon's request handling.
 *
 * <p>The layout under a private directory (0755, root's):
 *
 * <pre>
 *   data/            the engine's data
 *   s/ferryd.sock    the socket, 0666 so that the second user reaches it
 *   allowed/         where jobs may write; the second user's when there is one
 *     sub/           an ordinary subdirectory
 *     swap/          a directory of the user's that a TOCTOU test may replace by a link
 *     up -> ../sentinel            a directory link out of allowed/
 *     victim-link -> ../sentinel/victim   a final component that is a link
 *     dangling -> ../sentinel/created     a link to a file that does not exist
 *   sentinel/        root's (0755): nothing may ever change in it
 *     victim         0644, known content
 *     secret         0600: the second user may never read it through a file: URL
 *   src/small.bin    a source every user may read
 *   r/relay.sock     the second user's relay (see below)
 * </pre>
 *
 * <p>Requests as the second user go through a relay process run as that user, so the daemon sees
 * its uid in the peer credentials of the relayed connection, at the cost of one local hop instead
 * of a {@code runuser} per request.
 */
final class FuzzDaemon implements AutoCloseable {
  static final ObjectMapper JSON = Json.mapper();
  static final String OTHER_USER = "ferrytest1";
  static final byte[] VICTIM = "victim: nothing may write here\n".getBytes(StandardCharsets.UTF_8);

  final Path root;
  final Path allowed;
  final Path sentinel;
  final Path source;
  final FerryDaemon daemon;
  final TestOrigin origin;
  final RawHttp asRoot;
  final RawHttp tcp;
  final String token;
  final RawHttp asUser;
  private final Process relay;
  private final Map<String, String> untouched;

  /** The identities a request can be sent as. */
  enum Who {
    ROOT,
    USER,
    TCP
  }

  FuzzDaemon() {
    try {
      Path shm = Path.of("/dev/shm");
      // tmpfs when there is one: the engine's fsyncs then cost nothing and the fuzzer runs faster.
      root =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? Files.createTempDirectory(shm, "fz")
              : Files.createTempDirectory("fz");
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      allowed = Files.createDirectories(root.resolve("allowed"));
      Files.createDirectories(allowed.resolve("sub"));
      Files.createDirectories(allowed.resolve("swap"));
      sentinel = Files.createDirectories(root.resolve("sentinel"));
      Files.write(sentinel.resolve("victim"), VICTIM);
      Files.write(sentinel.resolve("secret"), "secret\n".getBytes(StandardCharsets.UTF_8));
      Files.setPosixFilePermissions(
          sentinel.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
      Files.createSymbolicLink(allowed.resolve("up"), Path.of("../sentinel"));
      Files.createSymbolicLink(allowed.resolve("victim-link"), Path.of("../sentinel/victim"));
      Files.createSymbolicLink(allowed.resolve("dangling"), Path.of("../sentinel/created"));
      Files.createDirectories(root.resolve("src"));
      source = root.resolve("src").resolve("small.bin");
      Files.write(source, Content.random(20_000, 3).bytes());
      Path socketDir = Files.createDirectories(root.resolve("s"));
      Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path socket = socketDir.resolve("ferryd.sock");
      daemon =
          FerryDaemon.start(
              new DaemonOptions(
                      socket,
                      root.resolve("data"),
                      false,
                      OptionalInt.of(0),
                      root.resolve("data").resolve("token"),
                      Optional.of(Duration.ofSeconds(3)),
                      Optional.of("0666"))
                  // No swarm: a fuzzed POST /v1/seeds as root would hash whatever file it names;
                  // the seed routes answer E_NOTIMPL, which is fuzzed.
                  .withPeerPort(DaemonOptions.PEERS_OFF));
      token = daemon.token().orElseThrow();
      asRoot = RawHttp.unix(socket);
      tcp = RawHttp.tcp(daemon.tcpPort().orElseThrow());
      origin = TestOrigin.start();
      origin.put("/f.bin", Content.random(50_000, 4));
      relay = otherUserAvailable() ? startRelay(socket) : null;
      asUser = relay == null ? null : RawHttp.unix(root.resolve("r").resolve("relay.sock"));
      untouched = snapshot();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean hasUser() {
    return asUser != null;
  }

  RawHttp client(Who who) {
    return switch (who) {
      case ROOT -> asRoot;
      case USER -> hasUser() ? asUser : asRoot;
      case TCP -> tcp;
    };
  }

  /** Headers that authenticate {@code who} (the token, on the TCP listener). */
  List<String> auth(Who who) {
    return who == Who.TCP ? List.of("Authorization: Bearer " + token) : List.of();
  }

  // --- the second user ------------------------------------------------------------------------

  private static boolean otherUserAvailable() {
    if (Ferry.currentUser().uid() != 0 || !Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
      return false;
    }
    if (run("id", "-u", OTHER_USER) != 0) {
      run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER_USER);
    }
    return run("id", "-u", OTHER_USER) == 0;
  }

  private static int run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private Process startRelay(Path socket) throws IOException {
    UserPrincipal user =
        root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OTHER_USER);
    Files.setOwner(allowed, user);
    Files.setOwner(allowed.resolve("sub"), user);
    Files.setOwner(allowed.resolve("swap"), user);
    Path relayDir = Files.createDirectories(root.resolve("r"));
    Files.setOwner(relayDir, user);
    Path program = relayDir.resolve("Relay.java");
    Files.writeString(program, RELAY);
    Files.setOwner(program, user);
    Process process =
        new ProcessBuilder(
                "runuser",
                "-u",
                OTHER_USER,
                "--",
                ProcessHandle.current().info().command().orElseThrow(),
                program.toString(),
                relayDir.resolve("relay.sock").toString(),
                socket.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"relaying".equals(line)) {
      process.destroyForcibly();
      throw new IllegalStateException("the relay as " + OTHER_USER + " did not start: " + line);
    }
    return process;
  }

  /** Forwards every connection to the daemon's socket, with the relay user's credentials. */
  private static final String RELAY =
      """
      import java.net.*;
      import java.nio.ByteBuffer;
      import java.nio.channels.*;
      import java.nio.file.*;

      public class Relay {
        public static void main(String[] a) throws Exception {
          Path listen = Path.of(a[0]);
          Files.deleteIfExists(listen);
          ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          server.bind(UnixDomainSocketAddress.of(listen));
          System.out.println("relaying");
          System.out.flush();
          while (true) {
            SocketChannel in = server.accept();
            Thread.startVirtualThread(() -> {
              try (in; SocketChannel out = SocketChannel.open(UnixDomainSocketAddress.of(a[1]))) {
                Thread back = Thread.startVirtualThread(() -> pipe(out, in));
                pipe(in, out);
                back.join();
              } catch (Exception ignored) {
              }
            });
          }
        }

        static void pipe(SocketChannel from, SocketChannel to) {
          ByteBuffer b = ByteBuffer.allocate(1 << 16);
          try {
            while (from.read(b) >= 0) {
              b.flip();
              while (b.hasRemaining()) to.write(b);
              b.clear();
            }
          } catch (Exception ignored) {
          }
          try {
            to.shutdownOutput();
          } catch (Exception ignored) {
          }
        }
      }
      """;

  // --- invariants -----------------------------------------------------------------------------

  /**
   * The checks on every answer: never a 5xx (E_NOTIMPL's documented 501 aside), and every failure
   * is a Problem whose HRESULT is a documented one, with the status the mapping gives it (the
   * transport's own refusals aside: 401 for a missing token, 404 for no route, 406 for events
   * without their media type, 413, 414 and 431 for a request, target or headers too large).
   */
  static void checkAnswer(String request, RawHttp.Response r) {
    int status = r.status();
    if (status == 0) {
      return;
    }
    if (status >= 500 && status != 501) {
      throw new AssertionError("server error for " + request + ": " + r);
    }
    if (status < 400) {
      return;
    }
    String type = r.header("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      throw new AssertionError("a failure that is not a Problem for " + request + ": " + r);
    }
    if (request.startsWith("HEAD ")) {
      return; // HTTP sends no body with an answer to HEAD, so there is no Problem to read
    }
    Problem problem;
    try {
      problem = JSON.readValue(r.body(), Problem.class);
    } catch (IOException e) {
      throw new AssertionError("an unreadable Problem for " + request + ": " + r, e);
    }
    HResult code = HResult.of(problem.hresult()).orElse(null);
    if (code == null || !code.name().equals(problem.name())) {
      throw new AssertionError("an undocumented HRESULT for " + request + ": " + r);
    }
    if (problem.message() == null || problem.message().isBlank()) {
      throw new AssertionError("a Problem without a message for " + request + ": " + r);
    }
    int mapped = HttpStatusMapping.statusFor(problem.hresult());
    boolean transport =
        (code == HResult.E_ACCESSDENIED && status == 401)
            || (code == HResult.E_INVALIDARG
                && List.of(400, 404, 406, 413, 414, 431).contains(status));
    if (status != mapped && !transport) {
      throw new AssertionError(
          "status " + status + " but " + code + " maps to " + mapped + " for " + request);
    }
  }

  /** The daemon still answers every identity, and nothing outside allowed/ changed. */
  void checkHealthy() {
    RawHttp.Response root = asRoot.send("GET", "/v1/whoami", List.of(), null);
    if (root.status() != 200) {
      throw new AssertionError("the daemon no longer answers root: " + root);
    }
    if (asUser != null) {
      RawHttp.Response user = asUser.send("GET", "/v1/whoami", List.of(), null);
      if (user.status() != 200 || !user.text().contains(OTHER_USER)) {
        throw new AssertionError("the daemon no longer answers " + OTHER_USER + ": " + user);
      }
    }
    checkUntouched();
  }

  void checkUntouched() {
    Map<String, String> now = snapshot();
    if (!now.equals(untouched)) {
      throw new AssertionError(
          "files outside allowed/ changed:\n  before " + untouched + "\n  after  " + now);
    }
  }

  /** Every entry of sentinel/ and src/ and every planted link, with its type, size and content. */
  private Map<String, String> snapshot() {
    Map<String, String> state = new TreeMap<>();
    try {
      for (Path dir : List.of(sentinel, root.resolve("src"))) {
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : all.toList()) {
            state.put(root.relativize(p).toString(), describe(p));
          }
        }
      }
      for (String link : List.of("up", "victim-link", "dangling")) {
        Path p = allowed.resolve(link);
        state.put("allowed/" + link, describe(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return state;
  }

  private static String describe(Path p) throws IOException {
    if (Files.isSymbolicLink(p)) {
      return "link to " + Files.readSymbolicLink(p);
    }
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return "missing";
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return "dir";
    }
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    long uid = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    byte[] bytes = Files.readAllBytes(p);
    return String.format(
        "file %o uid %d %d bytes %08x",
        mode & 07777, uid, bytes.length, java.util.Arrays.hashCode(bytes));
  }

  // --- housekeeping ---------------------------------------------------------------------------

  /** Cancels every job, so that one input's jobs never meet the next input or a job limit. */
  void cancelAll() {
    cancelAll(List.of());
  }

  /** Cancels every job but those in {@code keep}. */
  void cancelAll(java.util.Collection<String> keep) {
    RawHttp.Response jobs = asRoot.send("GET", "/v1/jobs?allUsers=true", List.of(), null);
    try {
      for (JsonNode job : JSON.readTree(jobs.body())) {
        String id = job.get("id").asText();
        if (!keep.contains(id)) {
          asRoot.send("POST", "/v1/jobs/" + id + "/cancel", List.of(), null);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes what jobs left in allowed/ and puts back anything an input replaced there. */
  void resetAllowed() {
    try (Stream<Path> entries = Files.list(allowed)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (List.of("up", "victim-link", "dangling", "sub").contains(name)) {
          continue;
        }
        deleteTree(p);
      }
      Path swap = Files.createDirectories(allowed.resolve("swap"));
      if (hasUser()) {
        Files.setOwner(
            swap,
            root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OTHER_USER));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> all = Files.walk(p)) {
        for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    } else {
      Files.deleteIfExists(p);
    }
  }

  /** The JSON of a request body, or null when it is not JSON. */
  static JsonNode tree(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Keeps fuzzed notification programs harmless: the daemon (root here) runs them when a job ends,
   * and a fuzzer must not get to run arbitrary programs on the machine it tests on. Only bodies
   * that are JSON can set one, and the daemon parses them exactly as {@link #tree} does.
   */
  static byte[] defuse(byte[] body) {
    if (body == null) {
      return null;
    }
    JsonNode tree = tree(body);
    if (tree == null || !defuse(tree)) {
      return body;
    }
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean defuse(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        if (name.equals("program")) {
          object.put("program", "/bin/true");
          changed = true;
        } else {
          changed |= defuse(child);
        }
      }
    } else if (node != null && node.isArray()) {
      for (JsonNode child : node) {
        changed |= defuse(child);
      }
    }
    return changed;
  }

  @Override
  public void close() {
    try {
      cancelAll();
    } catch (RuntimeException ignored) {
      // Closing goes on regardless.
    }
    daemon.close();
    origin.close();
    if (relay != null) {
      relay.descendants().forEach(ProcessHandle::destroyForcibly);
      relay.destroyForcibly();
    }
    try {
      deleteTree(root);
    } catch (IOException ignored) {
      // A leftover temporary directory is harmless.
    }
  }
}
