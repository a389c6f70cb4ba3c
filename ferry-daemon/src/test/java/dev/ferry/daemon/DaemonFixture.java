package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.rest.AddFilesRequest;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.JobView;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

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
    try {
      dir = Files.createTempDirectory("fd");
      dataDir = dir.resolve("data");
      socket = dir.resolve("s").resolve("ferryd.sock");
      downloads = Files.createDirectories(dir.resolve("dl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    origin = TestOrigin.start();
  }

  DaemonProcess startDaemon(String... extra) {
    return DaemonProcess.start(socket, dataDir, extra);
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

  static String sha256(Path file) {
    try (var in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temporary directory is harmless.
    }
  }
}
