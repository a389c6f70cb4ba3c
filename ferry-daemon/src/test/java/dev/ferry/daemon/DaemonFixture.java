package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.rest.AddFilesRequest;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.JobView;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A temporary directory (short, under /tmp, since socket paths are limited to about 100 bytes), a
 * test origin, and helpers to drive daemons over their sockets.
 */
final class DaemonFixture implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(60);

  final Path dir;
  final Path dataDir;
  final Path socket;
  final Path downloads;
  final TestOrigin origin;

  DaemonFixture() {
    dir = TestFiles.shortTempDir("fd");
    dataDir = dir.resolve("data");
    socket = dir.resolve("s").resolve("ferryd.sock");
    try {
      downloads = Files.createDirectories(dir.resolve("dl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    origin = TestOrigin.start();
  }

  /** A ferryd as these tests start it: its transfers count 3 s without data as a stall. */
  static Ferryd.Launch ferryd(Path socket, Path dataDir) {
    return Ferryd.on(socket, dataDir).options("--read-timeout-seconds", "3");
  }

  /** Starts a ferryd on this fixture's socket and data directory; returns once it listens. */
  Ferryd startDaemon(String... extra) {
    return ferryd(socket, dataDir).options(extra).start();
  }

  /**
   * The port of the daemon's TCP listener, from the line it printed for it ({@link
   * FerryDaemon#TCP_LISTENING}); fails if it printed none.
   */
  static int tcpPort(Ferryd daemon) {
    String line =
        daemon
            .log()
            .lines()
            .filter(l -> l.startsWith(FerryDaemon.TCP_LISTENING))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no TCP listener line:\n" + daemon.log()));
    return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
  }

  Path download(String name) {
    return downloads.resolve(name);
  }

  /**
   * The arguments that start the DO agent with its port file in {@code runDir} and its
   * configuration directory in this fixture's (a root daemon would create the machine's otherwise).
   * As root the agent must act as an unprivileged user ({@link OtherUser#NAME}), who is then given
   * the downloads directory; otherwise it acts as this user.
   */
  List<String> agentArguments(Path runDir) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--do-agent-dir",
                runDir.toString(),
                "--do-agent-config-dir",
                agentConfigDir().toString()));
    if (dev.ferry.engine.Ferry.currentUser().isAdministrator()) {
      OtherUser.ensureExists();
      try {
        Files.setPosixFilePermissions(
            dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        giveTo(downloads, OtherUser.NAME);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      args.addAll(List.of("--do-agent-user", OtherUser.NAME));
    }
    return args;
  }

  /** Where the DO agent's configuration files of this fixture's daemons are. */
  Path agentConfigDir() {
    return dir.resolve("agent-etc");
  }

  /** Makes {@code user} the owner of {@code path}. */
  static void giveTo(Path path, String user) throws IOException {
    Files.setOwner(
        path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
  }

  /** Creates a job with one file from the origin; the job stays SUSPENDED. */
  static JobView createJobWithFile(UnixHttp http, String name, String url, Path local) {
    JobView job = http.post("/v1/jobs", new CreateJobRequest(name, null)).as(JobView.class);
    var added =
        http.post(
            "/v1/jobs/" + job.id() + "/files",
            new AddFilesRequest(List.of(new AddFilesRequest.NewFile(url, local.toString(), null))));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    return job;
  }

  static JobView awaitState(UnixHttp http, String id, String state) {
    await("job " + id + " to reach " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> http.get("/v1/jobs/" + id).as(JobView.class).state(), state::equals);
    return http.get("/v1/jobs/" + id).as(JobView.class);
  }

  static String mode(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return String.format("%04o", mode & 07777);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    origin.close();
    TestFiles.deleteTree(dir);
  }
}
