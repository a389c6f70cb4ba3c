package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static dev.ferry.daemon.DaemonFixture.awaitState;
import static dev.ferry.daemon.DaemonFixture.createJobWithFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.HResult;
import dev.ferry.engine.Ferry;
import dev.ferry.rest.Caller;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Problem;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.RecordedRequest;
import dev.ferry.testkit.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starting and stopping real daemon processes: signals, crashes, stale sockets, the TCP token. */
class DaemonLifecycleTest {
  DaemonFixture fx;

  @BeforeEach
  void setUp() {
    fx = new DaemonFixture();
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void sigtermStopsCleanlyAndTheNextDaemonResumesTheTransfer() {
    Content content = Content.random(6 << 20, 21);
    fx.origin.put("/resume.bin", content);
    fx.origin.fault("/resume.bin", Fault.throttle(1_500_000));
    Path local = fx.download("resume.bin");
    String id;
    try (Ferryd first = fx.startDaemon();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      id = createJobWithFile(http, "survives", fx.origin.url("/resume.bin"), local).id();
      http.post("/v1/jobs/" + id + "/resume", null);
      // At least two pieces on disk and checkpointed, so the restart must not begin at zero.
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> http.get("/v1/jobs/" + id).as(JobView.class).progress().bytesTransferred(),
              n -> n >= (3 << 20));
      assertThat(first.terminate()).as(first.log()).isZero();
      assertThat(first.log()).contains("ferryd stopped");
      assertThat(Files.exists(fx.socket)).isFalse();
    }
    fx.origin.clearFaults("/resume.bin");
    int before = fx.origin.requests("/resume.bin").size();
    try (Ferryd second = fx.startDaemon();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      JobView done = awaitState(http, id, "TRANSFERRED");
      assertThat(done.progress().bytesTransferred()).isEqualTo(content.size());
      List<RecordedRequest> after =
          fx.origin
              .requests("/resume.bin")
              .subList(before, fx.origin.requests("/resume.bin").size());
      assertThat(after).isNotEmpty();
      assertThat(after.getFirst().range())
          .hasValueSatisfying(range -> {
            assertThat(range).startsWith("bytes=");
            long from = Long.parseLong(range.substring(6, range.indexOf('-')));
            assertThat(from).isGreaterThanOrEqualTo(1 << 20);
          });
      http.post("/v1/jobs/" + id + "/complete", null);
      assertThat(TestFiles.sha256(local)).isEqualTo(content.sha256());
      assertThat(second.terminate()).isZero();
    }
  }

  @Test
  void aCrashedDaemonsSocketIsRemovedByTheNextOne() {
    try (Ferryd crashed = fx.startDaemon()) {
      crashed.kill();
    }
    assertThat(Files.exists(fx.socket)).as("the stale socket").isTrue();
    try (Ferryd next = fx.startDaemon();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      assertThat(next.log()).contains("removing the stale socket");
      assertThat(http.get("/v1/whoami").status()).isEqualTo(200);
      assertThat(next.terminate()).isZero();
    }
  }

  @Test
  void aSecondDaemonOnALiveSocketRefusesToStart() {
    try (Ferryd first = fx.startDaemon();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      Ferryd second = DaemonFixture.ferryd(fx.socket, fx.dir.resolve("other-data")).launch();
      assertThat(second.awaitExit()).isEqualTo(1);
      assertThat(second.log()).contains("another ferryd is already running on " + fx.socket);
      // The first one is unharmed.
      assertThat(http.get("/v1/whoami").status()).isEqualTo(200);
      assertThat(first.terminate()).isZero();
    }
  }

  @Test
  void refusesASocketDirectoryOthersCanWrite() throws Exception {
    Files.createDirectories(fx.socket.getParent());
    Files.setPosixFilePermissions(
        fx.socket.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
    Ferryd daemon = DaemonFixture.ferryd(fx.socket, fx.dataDir).launch();
    assertThat(daemon.awaitExit()).isEqualTo(1);
    assertThat(daemon.log()).contains("other users may write to it");
    assertThat(Files.exists(fx.socket)).isFalse();
  }

  @Test
  void theTcpListenerRequiresTheToken() throws Exception {
    Path tokenFile = fx.dir.resolve("token");
    try (Ferryd daemon =
        fx.startDaemon("--tcp", "0", "--token-file", tokenFile.toString(), "--peer-port", "off")) {
      int port = DaemonFixture.tcpPort(daemon);
      // 127.0.0.1, possibly as the IPv4-mapped IPv6 address of a dual-stack socket.
      assertThat(Listeners.tcpListenersOf(daemon.pid()))
          .singleElement()
          .satisfies(l -> {
            assertThat(l.port()).isEqualTo(port);
            assertThat(l.hexAddress()).isIn("0100007F", "0000000000000000FFFF00000100007F");
          });
      assertThat(DaemonFixture.mode(tokenFile)).isEqualTo("0600");
      String token = Files.readString(tokenFile).strip();
      assertThat(token).matches("[0-9a-f]{64}");
      try (UnixHttp tcp = UnixHttp.tcp(port)) {
        var missing = tcp.get("/v1/whoami");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.problem().name()).isEqualTo("E_ACCESSDENIED");
        var wrong = tcp.get("/v1/whoami", "Authorization", "Bearer " + "0".repeat(64));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.as(Problem.class).hresult()).isEqualTo(HResult.E_ACCESSDENIED.value());
        assertThat(tcp.get("/v1/nothing").status()).isEqualTo(401);
        var right = tcp.get("/v1/whoami", "Authorization", "Bearer " + token);
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.as(Caller.class).uid()).isEqualTo(Ferry.currentUser().uid());
        var jobs = tcp.get("/v1/jobs", "Authorization", "Bearer " + token);
        assertThat(jobs.status()).isEqualTo(200);
      }
      // The socket still works without a token, and the log never shows the token.
      try (UnixHttp http = UnixHttp.over(fx.socket)) {
        assertThat(http.get("/v1/whoami").status()).isEqualTo(200);
      }
      assertThat(daemon.terminate()).isZero();
      assertThat(daemon.log()).doesNotContain(token);
      assertThat(tokenFile).doesNotExist();
    }
  }
}
