package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static dev.ferry.daemon.DaemonFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ferry.api.HResult;
import dev.ferry.engine.Ferry;
import dev.ferry.rest.Caller;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.DownloadView;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Problem;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two real uids on one daemon: root (the administrator) and a throw-away user, whose requests go
 * through {@code runuser}. The daemon tells them apart by the socket's peer credentials only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiUserTest {
  static final TypeReference<List<JobView>> JOBS = new TypeReference<>() {};

  DaemonFixture fx;
  Ferryd daemon;
  UnixHttp root;
  OtherUser user;
  long userUid;
  Path userDownloads;

  @BeforeAll
  void setUp() throws Exception {
    Assumptions.assumeTrue(
        Ferry.currentUser().uid() == 0,
        "skipped: the multi-user test needs root, to create a second user and run requests as it"
            + " (running as uid "
            + Ferry.currentUser().uid()
            + ")");
    Assumptions.assumeTrue(
        OtherUser.run(List.of("sh", "-c", "command -v runuser && command -v useradd")).exitCode()
            == 0,
        "skipped: runuser and useradd are needed to act as a second user");
    OtherUser.ensureExists();
    userUid = OtherUser.uid();
    fx = new DaemonFixture();
    // Other users must reach the socket: a traversable directory and a 0666 socket, as in system
    // mode; the daemon accepts the directory because only root can write it.
    Files.setPosixFilePermissions(fx.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(fx.downloads, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(fx.socket.getParent());
    Files.setPosixFilePermissions(
        fx.socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    userDownloads = Files.createDirectories(fx.dir.resolve("u1"));
    UserPrincipal principal =
        fx.dir
            .getFileSystem()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName(OtherUser.NAME);
    Files.setOwner(userDownloads, principal);
    fx.origin.put("/f.bin", Content.random(200_000, 5));
    daemon = fx.startDaemon("--socket-mode", "0666");
    root = UnixHttp.over(fx.socket);
    user = new OtherUser(fx.socket, fx.dir);
  }

  @AfterAll
  void tearDown() {
    if (root != null) {
      root.close();
    }
    if (daemon != null) {
      assertThat(daemon.terminate()).as(daemon.log()).isZero();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private static String json(Object value) throws Exception {
    return UnixHttp.JSON.writeValueAsString(value);
  }

  private static void assertProblem(UnixHttp.Response response, int status, HResult code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.as(Problem.class).name()).isEqualTo(code.name());
  }

  @Test
  void usersSeeOnlyTheirOwnJobsAndRootSeesAndChangesEveryone() throws Exception {
    assertThat(DaemonFixture.mode(fx.socket)).isEqualTo("0666");
    Caller caller = user.send("GET", "/v1/whoami", null).as(Caller.class);
    assertThat(caller).isEqualTo(new Caller(userUid, OtherUser.NAME, false));

    JobView rootJob = root.post("/v1/jobs", new CreateJobRequest("root's", null)).as(JobView.class);
    assertThat(rootJob.owner().uid()).isZero();
    String rootPath = "/v1/jobs/" + rootJob.id();
    // Root's job does not exist for the user: not readable, not listed, not changeable.
    assertProblem(user.send("GET", rootPath, null), 404, HResult.BG_E_NOT_FOUND);
    assertProblem(
        user.send("PATCH", rootPath, "{\"displayName\":\"mine\"}"), 404, HResult.BG_E_NOT_FOUND);
    assertProblem(user.send("POST", rootPath + "/cancel", null), 404, HResult.BG_E_NOT_FOUND);
    assertProblem(
        user.send("POST", rootPath + "/take-ownership", null), 404, HResult.BG_E_NOT_FOUND);
    assertThat(user.send("GET", "/v1/jobs", null).as(JOBS))
        .extracting(JobView::id)
        .doesNotContain(rootJob.id());
    assertProblem(user.send("GET", "/v1/jobs?allUsers=true", null), 403, HResult.E_ACCESSDENIED);

    // The user's own job belongs to its uid.
    var created = user.send("POST", "/v1/jobs", json(new CreateJobRequest("user's", null)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JobView userJob = created.as(JobView.class);
    assertThat(userJob.owner()).isEqualTo(new JobView.Owner(userUid, OtherUser.NAME));
    String userPath = "/v1/jobs/" + userJob.id();
    Path local = userDownloads.resolve("f.bin");
    var added =
        user.send(
            "POST",
            userPath + "/files",
            json(
                Map.of(
                    "files",
                    List.of(
                        Map.of(
                            "remoteName",
                            fx.origin.url("/f.bin"),
                            "localName",
                            local.toString())))));
    assertThat(added.status()).as(added.body()).isEqualTo(201);

    // Root lists it with allUsers, reads it and changes it.
    assertThat(root.get("/v1/jobs?allUsers=true").as(JOBS))
        .extracting(JobView::id)
        .contains(userJob.id(), rootJob.id());
    assertThat(root.get("/v1/jobs").as(JOBS)).extracting(JobView::id).doesNotContain(userJob.id());
    var renamed = root.patch(userPath, Map.of("displayName", "renamed by root"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(user.send("GET", userPath, null).as(JobView.class).displayName())
        .isEqualTo("renamed by root");

    // The user's notification program runs as the user.
    Path notified = userDownloads.resolve("notified.txt");
    var patched =
        user.send(
            "PATCH",
            userPath,
            json(
                Map.of(
                    "notifyCmdLine",
                    Map.of("program", "/bin/sh", "parameters", "-c 'id -u > " + notified + "'"))));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(user.send("POST", userPath + "/resume", null).status()).isEqualTo(200);
    awaitState(root, userJob.id(), "TRANSFERRED");
    await().atMost(PATIENCE).until(() -> Files.exists(notified) && Files.size(notified) > 0);
    assertThat(Files.readString(notified).strip()).isEqualTo(Long.toString(userUid));
    assertThat(user.send("POST", userPath + "/complete", null).status()).isEqualTo(200);
    assertThat(local).exists();

    // Root takes over a job of the user's, which then disappears for the user.
    JobView second =
        user.send("POST", "/v1/jobs", json(new CreateJobRequest("taken", null))).as(JobView.class);
    assertThat(root.post("/v1/jobs/" + second.id() + "/take-ownership", null).status())
        .isEqualTo(200);
    assertProblem(user.send("GET", "/v1/jobs/" + second.id(), null), 404, HResult.BG_E_NOT_FOUND);
    root.post("/v1/jobs/" + second.id() + "/cancel", null);
    root.post(rootPath + "/cancel", null);
  }

  @Test
  void downloadsBelongToThePeerThatCreatedThem() throws Exception {
    var mine = root.post("/v1/downloads", null);
    assertThat(mine.status()).as(mine.body()).isEqualTo(201);
    String id = mine.as(DownloadView.class).id();
    assertThat(user.send("GET", "/v1/downloads", null).body()).isEqualTo("[]");
    assertProblem(user.send("GET", "/v1/downloads/" + id, null), 404, HResult.DO_E_JOB_NOT_FOUND);
    assertProblem(
        user.send("POST", "/v1/downloads/" + id + "/abort", null), 404, HResult.DO_E_JOB_NOT_FOUND);
    assertProblem(
        user.send("GET", "/v1/downloads/" + id + "/properties/Id", null),
        404,
        HResult.DO_E_JOB_NOT_FOUND);

    // The root daemon checks what the user names against the user's rights.
    assertProblem(
        user.send(
            "POST",
            "/v1/downloads",
            json(Map.of("properties", Map.of("LocalPath", fx.download("d.bin").toString())))),
        403,
        HResult.E_ACCESSDENIED);
    var theirs =
        user.send(
            "POST",
            "/v1/downloads",
            json(
                Map.of(
                    "properties",
                    Map.of(
                        "Uri",
                        fx.origin.url("/f.bin"),
                        "LocalPath",
                        userDownloads.resolve("d.bin").toString()))));
    assertThat(theirs.status()).as(theirs.body()).isEqualTo(201);
    String theirId = theirs.as(DownloadView.class).id();
    assertThat(root.get("/v1/downloads").body()).doesNotContain(theirId).contains(id);
    assertThat(user.send("POST", "/v1/downloads/" + theirId + "/abort", null).status())
        .isEqualTo(200);
    root.post("/v1/downloads/" + id + "/abort", null);
  }

  @Test
  void aUserCannotMakeTheRootDaemonWriteOrReadFilesItCouldNot() throws Exception {
    JobView job =
        user.send("POST", "/v1/jobs", json(new CreateJobRequest("sneaky", null))).as(JobView.class);
    String files = "/v1/jobs/" + job.id() + "/files";
    // fx.downloads belongs to root (0755): the user may not write there.
    var intoRootsDirectory =
        user.send(
            "POST",
            files,
            json(
                Map.of(
                    "files",
                    List.of(
                        Map.of(
                            "remoteName",
                            fx.origin.url("/f.bin"),
                            "localName",
                            fx.download("x.bin").toString())))));
    assertProblem(intoRootsDirectory, 403, HResult.E_ACCESSDENIED);
    var shadow =
        user.send(
            "POST",
            files,
            json(
                Map.of(
                    "files",
                    List.of(
                        Map.of(
                            "remoteName",
                            "file:///etc/shadow",
                            "localName",
                            userDownloads.resolve("shadow").toString())))));
    assertProblem(shadow, 403, HResult.E_ACCESSDENIED);
    assertThat(root.get(files).body()).isEqualTo("[]");
    root.post("/v1/jobs/" + job.id() + "/cancel", null);
  }

  @Test
  void aUsersEventStreamCarriesOnlyItsOwnJobs() throws Exception {
    Assumptions.assumeTrue(OtherUser.hasCurl(), "skipped: streaming as another user needs curl");
    JobView rootJob = root.post("/v1/jobs", new CreateJobRequest("root's", null)).as(JobView.class);
    JobView userJob =
        user.send("POST", "/v1/jobs", json(new CreateJobRequest("user's", null))).as(JobView.class);
    Path output = fx.dir.resolve("events.txt");
    Process stream = user.stream("/v1/events", output);
    try {
      await().atMost(PATIENCE).until(() -> Files.readString(output).contains(": subscribed"));
      root.patch("/v1/jobs/" + rootJob.id(), Map.of("displayName", "root's, renamed"));
      user.send("PATCH", "/v1/jobs/" + userJob.id(), "{\"displayName\":\"user's, renamed\"}");
      // Events arrive in order: once the later change is there, the earlier one would be too.
      await().atMost(PATIENCE).until(() -> Files.readString(output).contains(userJob.id()));
      assertThat(Files.readString(output)).doesNotContain(rootJob.id());
    } finally {
      // runuser takes seconds to pass a SIGTERM on; end curl itself.
      stream.descendants().forEach(ProcessHandle::destroy);
      stream.destroy();
      stream.waitFor();
    }
    root.post("/v1/jobs/" + rootJob.id() + "/cancel", null);
    root.post("/v1/jobs/" + userJob.id() + "/cancel", null);
  }
}
