package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.HResult;
import dev.ferry.engine.Ferry;
import dev.ferry.rest.Caller;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.JobView;
import dev.ferry.rest.LogLevelView;
import dev.ferry.rest.PolicyView;
import dev.ferry.rest.Problem;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may touch what: the modes of everything the daemon creates, the TCP listener's token, and a
 * second user's view of jobs that are not theirs. MultiUserTest covers the everyday multi-user
 * flow; this covers every job route and every way of presenting (or not) the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PermissionsTest {
  DaemonFixture fx;
  Ferryd daemon;
  UnixHttp root;
  OtherUser user;
  int port;
  String token;

  @BeforeAll
  void setUp() throws Exception {
    fx = new DaemonFixture();
    fx.origin.put("/f.bin", Content.random(10_000, 9));
    boolean multiUser =
        Ferry.currentUser().uid() == 0
            && OtherUser.run(List.of("sh", "-c", "command -v runuser && command -v useradd"))
                    .exitCode()
                == 0;
    List<String> args = new ArrayList<>(List.of("--tcp", "0"));
    if (multiUser) {
      OtherUser.ensureExists();
      // The second user must reach the socket, as in system mode (see MultiUserTest).
      Files.setPosixFilePermissions(fx.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.createDirectories(fx.socket.getParent());
      Files.setPosixFilePermissions(
          fx.socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
      args.addAll(List.of("--socket-mode", "0666"));
      user = new OtherUser(fx.socket, fx.dir);
    }
    daemon = fx.startDaemon(args.toArray(String[]::new));
    port = DaemonFixture.tcpPort(daemon);
    token = Files.readString(fx.dataDir.resolve("token")).strip();
    root = UnixHttp.over(fx.socket);
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

  private static void assertProblem(UnixHttp.Response response, int status, HResult code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.as(Problem.class).name()).as(response.body()).isEqualTo(code.name());
  }

  private static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  private static long owner(Path path) throws IOException {
    return ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  // --- files ----------------------------------------------------------------------------------

  @Test
  void theDataDirectoryDatabaseTokenAndLogsAreTheDaemonUsersOnly() throws Exception {
    // A job, so the write-ahead log and its index exist and hold data.
    root.post("/v1/jobs", new CreateJobRequest("modes", null)).as(JobView.class);
    long self = Ferry.currentUser().uid();
    assertThat(mode(fx.dataDir)).as("data directory").isEqualTo(0700);
    assertThat(owner(fx.dataDir)).isEqualTo(self);
    for (String name : List.of("ferry.db", "ferry.db-wal", "ferry.db-shm", "token")) {
      Path file = fx.dataDir.resolve(name);
      assertThat(file).as(name).exists();
      assertThat(mode(file)).as(name).isEqualTo(0600);
      assertThat(owner(file)).as(name).isEqualTo(self);
    }
    // Whatever else the daemon keeps there (the lock, a log some day): nobody else may change it,
    // and a log, which may name files and URLs, nobody else may read either.
    try (Stream<Path> all = Files.walk(fx.dataDir)) {
      for (Path p : all.toList()) {
        assertThat(owner(p)).as(p.toString()).isEqualTo(self);
        assertThat(mode(p) & 0022).as(p + " is writable by others").isZero();
        if (p.getFileName().toString().contains("log")) {
          assertThat(mode(p) & 0077).as(p + " is readable by others").isZero();
        }
      }
    }
    // The daemon logs to its standard error only: no log file beside the socket either.
    try (Stream<Path> all = Files.list(fx.socket.getParent())) {
      assertThat(all.map(p -> p.getFileName().toString())).containsExactly("ferryd.sock");
    }
  }

  @Test
  void perUserAndSystemModesGiveTheSocketAndDataTheirModes() throws Exception {
    Path base = Files.createDirectories(fx.dir.resolve("modes"));
    Path userSocket = base.resolve("u").resolve("ferryd.sock");
    Path userData = base.resolve("ud");
    try (Ferryd perUser = DaemonFixture.ferryd(userSocket, userData).start()) {
      assertThat(mode(userSocket.getParent())).isEqualTo(0700);
      assertThat(mode(userSocket)).isEqualTo(0600);
      assertThat(mode(userData)).isEqualTo(0700);
      assertThat(perUser.terminate()).isZero();
    }
    Assumptions.assumeTrue(
        Ferry.currentUser().uid() == 0, "skipped: system mode is root's (running as a user)");
    Path systemSocket = base.resolve("sys").resolve("ferryd.sock");
    Path systemData = Files.createDirectories(base.resolve("sd"));
    // A data directory that exists with a lax mode is made private in system mode.
    Files.setPosixFilePermissions(systemData, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Ferryd system =
        DaemonFixture.ferryd(systemSocket, systemData).options("--system").start()) {
      assertThat(mode(systemSocket.getParent())).isEqualTo(0755);
      assertThat(owner(systemSocket.getParent())).isZero();
      assertThat(mode(systemSocket)).isEqualTo(0666);
      assertThat(mode(systemData)).isEqualTo(0700);
      assertThat(mode(systemData.resolve("ferry.db"))).isEqualTo(0600);
      assertThat(system.terminate()).isZero();
    }
  }

  // --- the TCP listener -----------------------------------------------------------------------

  private HttpResponse<String> overTcp(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    request.header("Content-Type", "application/json");
    if (headers.length > 0) {
      request.headers(headers);
    }
    // A client per request: no connection outlives a refused request with an unread body.
    try (HttpClient tcp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      return tcp.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void theTcpListenerRefusesMissingWrongAndMisplacedTokensWithoutEffect() throws Exception {
    PolicyView policyBefore = root.get("/v1/policy").as(PolicyView.class);
    System.out.println(
        "TOKEN CHECK setup="
            + token
            + " now="
            + Files.readString(fx.dataDir.resolve("token")).strip()
            + " port="
            + port);
    List<String[]> refused =
        List.of(
            new String[] {},
            new String[] {"Authorization", "Bearer"},
            new String[] {"Authorization", "Bearer "},
            new String[] {"Authorization", "Bearer " + "0".repeat(64)},
            new String[] {"Authorization", "Bearer " + token + "0"},
            new String[] {"Authorization", "Bearer " + token.substring(1)},
            new String[] {"Authorization", "Bearer " + token.toUpperCase()},
            new String[] {"Authorization", "Bearer" + token},
            new String[] {"Authorization", "Basic " + token},
            new String[] {"Authorization", "Token " + token},
            new String[] {"Authorization", token},
            new String[] {"X-Api-Key", token},
            new String[] {"Cookie", "token=" + token});
    for (String[] headers : refused) {
      String what = headers.length == 0 ? "no token" : String.join(": ", headers);
      var created =
          overTcp("POST", "/v1/jobs?access_token=" + token, "{\"displayName\":\"tcp\"}", headers);
      assertThat(created.statusCode()).as(what).isEqualTo(401);
      assertThat(created.headers().firstValue("WWW-Authenticate")).as(what).hasValue("Bearer");
      Problem problem = UnixHttp.JSON.readValue(created.body(), Problem.class);
      assertThat(problem.hresult()).as(what).isEqualTo(HResult.E_ACCESSDENIED.value());
      var policy =
          overTcp(
              "PUT", "/v1/policy", UnixHttp.JSON.writeValueAsString(Map.of("global", 1)), headers);
      assertThat(policy.statusCode()).as(what).isEqualTo(401);
    }
    // None of them had an effect.
    assertThat(root.get("/v1/jobs").as(DaemonApiTest.JOBS))
        .extracting(JobView::displayName)
        .doesNotContain("tcp");
    assertThat(root.get("/v1/policy").as(PolicyView.class)).isEqualTo(policyBefore);
    // The right token, in the bearer scheme (whose name is case-insensitive), is the daemon's user.
    for (String scheme : List.of("Bearer ", "bearer ")) {
      var whoami = overTcp("GET", "/v1/whoami", null, "Authorization", scheme + token);
      assertThat(whoami.statusCode()).as(scheme + token + " " + whoami.body()).isEqualTo(200);
      assertThat(UnixHttp.JSON.readValue(whoami.body(), Caller.class).uid())
          .isEqualTo(Ferry.currentUser().uid());
    }
  }

  // --- another user ---------------------------------------------------------------------------

  private void assumeSecondUser() {
    Assumptions.assumeTrue(
        user != null, "skipped: acting as a second user needs root, runuser and useradd");
  }

  /**
   * Every job route on {@code id}: method, path, body. (The event stream of one job is covered by
   * MultiUserTest, which can send its media type as the second user.)
   */
  private static List<String[]> jobRoutes(String id) {
    String job = "/v1/jobs/" + id;
    return List.of(
        new String[] {"GET", job, null},
        new String[] {"PATCH", job, "{\"displayName\":\"mine now\"}"},
        new String[] {"GET", job + "/files", null},
        new String[] {
          "POST",
          job + "/files",
          "{\"files\":[{\"remoteName\":\"http://127.0.0.1:1/x\",\"localName\":\"/tmp/x\"}]}"
        },
        new String[] {"PUT", job + "/files/0/remote-name", "{\"remoteName\":\"http://h/x\"}"},
        new String[] {"GET", job + "/files/0/properties/1", null},
        new String[] {"GET", job + "/properties/1", null},
        new String[] {"PUT", job + "/properties/1", "{\"type\":\"DWORD\",\"value\":\"0\"}"},
        new String[] {"POST", job + "/resume", null},
        new String[] {"POST", job + "/suspend", null},
        new String[] {"POST", job + "/complete", null},
        new String[] {"POST", job + "/cancel", null},
        new String[] {"POST", job + "/take-ownership", null});
  }

  @Test
  void anotherUsersJobIsNotFoundOnEveryRouteAndGivesNothingAway() throws Exception {
    assumeSecondUser();
    JobView job =
        DaemonFixture.createJobWithFile(
            root, "root's", fx.origin.url("/f.bin"), fx.download("perm.bin"));
    String unknown = UUID.randomUUID().toString();
    List<String[]> onRootsJob = jobRoutes(job.id());
    List<String[]> onNoJob = jobRoutes(unknown);
    for (int i = 0; i < onRootsJob.size(); i++) {
      String[] r = onRootsJob.get(i);
      var response = user.send(r[0], r[1], r[2]);
      assertProblem(response, 404, HResult.BG_E_NOT_FOUND);
      // The same answer, word for word, as for a job that does not exist.
      var none = user.send(onNoJob.get(i)[0], onNoJob.get(i)[1], onNoJob.get(i)[2]);
      assertThat(response.body().replace(job.id(), unknown))
          .as(r[0] + " " + r[1])
          .isEqualTo(none.body());
    }
    JobView after = root.get("/v1/jobs/" + job.id()).as(JobView.class);
    assertThat(after.displayName()).isEqualTo("root's");
    assertThat(after.state()).isEqualTo("SUSPENDED");
    assertThat(after.owner().uid()).isZero();
    assertThat(root.get("/v1/jobs/" + job.id() + "/files").as(DaemonApiTest.FILES)).hasSize(1);

    // Once root cancels it, root is told it is final; the user still only that it does not exist.
    assertThat(root.post("/v1/jobs/" + job.id() + "/cancel", null).status()).isEqualTo(200);
    assertProblem(
        root.post("/v1/jobs/" + job.id() + "/suspend", null), 409, HResult.BG_E_INVALID_STATE);
    assertProblem(
        user.send("POST", "/v1/jobs/" + job.id() + "/suspend", null), 404, HResult.BG_E_NOT_FOUND);
  }

  @Test
  void administratorOnlyCallsAreDeniedToOtherUsers() throws Exception {
    assumeSecondUser();
    assertProblem(user.send("GET", "/v1/jobs?allUsers=true", null), 403, HResult.E_ACCESSDENIED);
    PolicyView before = root.get("/v1/policy").as(PolicyView.class);
    assertProblem(
        user.send("PUT", "/v1/policy", "{\"global\":1,\"foreground\":-1,\"background\":-1}"),
        403,
        HResult.E_ACCESSDENIED);
    assertThat(root.get("/v1/policy").as(PolicyView.class)).isEqualTo(before);
    // The log levels: anybody may read them, only the daemon's owners change them.
    var level = user.send("GET", "/v1/log-levels/dev.ferry", null);
    assertThat(level.status()).as(level.body()).isEqualTo(200);
    assertProblem(
        user.send("PUT", "/v1/log-levels/dev.ferry", "{\"level\":\"TRACE\"}"),
        403,
        HResult.E_ACCESSDENIED);
    assertThat(root.get("/v1/log-levels/dev.ferry").as(LogLevelView.class).level())
        .isEqualTo("INFO");
    // Taking ownership is an administrator's act even on one's own job.
    var created = user.send("POST", "/v1/jobs", "{\"displayName\":\"own\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JobView own = created.as(JobView.class);
    assertProblem(
        user.send("POST", "/v1/jobs/" + own.id() + "/take-ownership", null),
        403,
        HResult.E_ACCESSDENIED);
    assertThat(root.get("/v1/jobs/" + own.id()).as(JobView.class).owner().name())
        .isEqualTo(OtherUser.NAME);
    root.post("/v1/jobs/" + own.id() + "/cancel", null);
  }
}
