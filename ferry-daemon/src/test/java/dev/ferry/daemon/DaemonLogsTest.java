package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.HResult;
import dev.ferry.rest.LogLevelView;
import dev.ferry.rest.Problem;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.LogLines;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ferryd's logs from a real daemon: one logfmt line per event of a job's life, a failure's HRESULT,
 * the journal's format under systemd, and levels changed while it runs. Who may change them is in
 * PermissionsTest; the command line's side in ferry-cli's LogLevelCommandTest.
 */
class DaemonLogsTest {
  DaemonFixture fx;

  @BeforeEach
  void setUp() {
    fx = new DaemonFixture();
    fx.origin.put("/f.bin", Content.random(100_000, 5));
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** Waits for a line of {@code daemon}'s log that {@code which} accepts, and returns it. */
  static LogLines.Line awaitLine(Ferryd daemon, String what, Predicate<LogLines.Line> which) {
    return await(what)
        .atMost(DaemonFixture.PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> LogLines.matching(daemon.log(), which), lines -> !lines.isEmpty())
        .getFirst();
  }

  private static Predicate<LogLines.Line> job(String id, String msg) {
    return line -> line.has("job", id) && line.has("msg", msg);
  }

  @Test
  void aJobsLifeIsOneStructuredLinePerEvent() {
    try (Ferryd daemon = fx.startDaemon();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      String id =
          DaemonFixture.createJobWithFile(
                  http, "logged", fx.origin.url("/f.bin"), fx.download("f.bin"))
              .id();
      http.post("/v1/jobs/" + id + "/resume", null);
      DaemonFixture.awaitState(http, id, "TRANSFERRED");
      http.post("/v1/jobs/" + id + "/complete", null);

      LogLines.Line created = awaitLine(daemon, "job created", job(id, "job created"));
      assertThat(created.fields())
          .containsEntry("level", "INFO")
          .containsEntry("logger", "dev.ferry.daemon.logging.JobEventLog")
          .containsEntry("state", "SUSPENDED")
          .containsEntry("owner", Long.toString(dev.ferry.engine.Ferry.currentUser().uid()))
          .as("the request that created it")
          .containsEntry("caller", Long.toString(dev.ferry.engine.Ferry.currentUser().uid()))
          .containsKey("time");
      LogLines.Line queued =
          awaitLine(
              daemon, "QUEUED", job(id, "job state changed").and(l -> l.has("state", "QUEUED")));
      assertThat(queued.get("from")).isEqualTo("SUSPENDED");
      awaitLine(
          daemon,
          "TRANSFERRING",
          job(id, "job state changed").and(l -> l.has("state", "TRANSFERRING")));
      assertThat(awaitLine(daemon, "file transferred", job(id, "file transferred")).get("file"))
          .isEqualTo("0");
      awaitLine(
          daemon,
          "TRANSFERRED",
          job(id, "job state changed").and(l -> l.has("state", "TRANSFERRED")));
      LogLines.Line completed = awaitLine(daemon, "completed", job(id, "job completed"));
      assertThat(completed.fields())
          .containsEntry("state", "ACKNOWLEDGED")
          .containsEntry("from", "TRANSFERRED");
      // CONNECTING and property changes are DEBUG: not at the default level.
      assertThat(LogLines.matching(daemon.log(), l -> l.has("job", id)))
          .extracting(l -> l.get("level"))
          .containsOnly("INFO");
      assertThat(LogLines.matching(daemon.log(), l -> l.has("msg", "ferryd started")))
          .singleElement()
          .satisfies(l ->
              assertThat(l.fields())
                  .containsEntry("socket", fx.socket.toString())
                  .containsEntry("mode", "per-user"));
    }
  }

  @Test
  void aFailingDownloadIsLoggedWithItsHresultAndFile() {
    try (Ferryd daemon = fx.startDaemon();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      String id =
          DaemonFixture.createJobWithFile(
                  http, "missing", fx.origin.url("/missing.bin"), fx.download("missing.bin"))
              .id();
      http.post("/v1/jobs/" + id + "/resume", null);
      LogLines.Line failed =
          awaitLine(daemon, "the 404", l -> l.has("job", id) && l.has("hresult", "0x80190194"));
      assertThat(failed.fields())
          .containsEntry("msg", "job failed")
          .containsEntry("level", "ERROR")
          .containsEntry("state", "ERROR")
          .containsEntry("file", "0")
          .containsEntry("hresult_name", "BG_E_HTTP_ERROR_404")
          .containsKey("reason");
      http.post("/v1/jobs/" + id + "/cancel", null);
      awaitLine(daemon, "cancelled", job(id, "job cancelled"));
    }
  }

  @Test
  void levelsChangeWhileItRunsAndDebugLinesAppear() {
    try (Ferryd daemon = fx.startDaemon();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      assertThat(http.get("/v1/log-levels").as(LogLevelView[].class))
          .contains(
              new LogLevelView("ROOT", "WARN", "WARN"),
              new LogLevelView("dev.ferry", "INFO", "INFO"));
      String id =
          http.post("/v1/jobs", Map.of("displayName", "quiet"))
              .as(dev.ferry.rest.JobView.class)
              .id();
      http.patch("/v1/jobs/" + id, Map.of("displayName", "still quiet"));

      var raised = http.put("/v1/log-levels/dev.ferry", Map.of("level", "debug"));
      assertThat(raised.status()).as(raised.body()).isEqualTo(200);
      assertThat(raised.as(LogLevelView.class))
          .isEqualTo(new LogLevelView("dev.ferry", "DEBUG", "DEBUG"));
      assertThat(http.get("/v1/log-levels/dev.ferry.engine").as(LogLevelView.class))
          .isEqualTo(new LogLevelView("dev.ferry.engine", null, "DEBUG"));
      LogLines.Line changed =
          awaitLine(daemon, "the change", l -> l.has("msg", "log level changed"));
      assertThat(changed.fields())
          .containsEntry("changed_logger", "dev.ferry")
          .containsEntry("new_level", "DEBUG")
          .containsKey("caller");

      http.patch("/v1/jobs/" + id, Map.of("displayName", "heard"));
      assertThat(awaitLine(daemon, "a DEBUG line", job(id, "job changed")).get("level"))
          .isEqualTo("DEBUG");

      assertProblem(
          http.put("/v1/log-levels/dev.ferry", Map.of("level", "LOUD")), 400, HResult.E_INVALIDARG);
      assertProblem(
          http.put("/v1/log-levels/no%20logger", Map.of("level", "INFO")),
          400,
          HResult.E_INVALIDARG);
      assertProblem(
          http.put("/v1/log-levels/ROOT", java.util.Collections.singletonMap("level", null)),
          400,
          HResult.E_INVALIDARG);
      var back =
          http.put("/v1/log-levels/dev.ferry", java.util.Collections.singletonMap("level", null));
      assertThat(back.as(LogLevelView.class))
          .isEqualTo(new LogLevelView("dev.ferry", null, "WARN"));
    }
  }

  @Test
  void underSystemdLinesCarryTheJournalsPriorityAndNoTime() {
    try (Ferryd daemon =
            DaemonFixture.ferryd(fx.socket, fx.dataDir)
                .journalStream()
                .environment("FERRY_LOG_LEVEL", "debug")
                .start();
        UnixHttp http = UnixHttp.over(fx.socket)) {
      assertThat(http.get("/v1/log-levels/dev.ferry").as(LogLevelView.class).level())
          .as("FERRY_LOG_LEVEL")
          .isEqualTo("DEBUG");
      String id =
          DaemonFixture.createJobWithFile(
                  http, "journal", fx.origin.url("/missing.bin"), fx.download("missing.bin"))
              .id();
      http.post("/v1/jobs/" + id + "/resume", null);
      awaitLine(daemon, "the failure", job(id, "job failed"));
      List<LogLines.Line> lines = LogLines.of(daemon.log());
      Map<String, Integer> priorities =
          Map.of("ERROR", 3, "WARN", 4, "INFO", 6, "DEBUG", 7, "TRACE", 7);
      assertThat(lines).isNotEmpty();
      for (LogLines.Line line : lines) {
        assertThat(line.text()).startsWith("<" + priorities.get(line.get("level")) + ">level=");
        assertThat(line.fields()).doesNotContainKey("time");
      }
      assertThat(lines).extracting(LogLines.Line::priority).contains(3, 6, 7);
      // Every line of stderr is a logfmt line: no stack trace spilling over several.
      assertThat(daemon.log().lines())
          .allMatch(l -> l.startsWith("<") || l.startsWith(Ferryd.LISTENING), "journal lines");
    }
  }

  @Test
  void anInheritedJournalStreamThatIsNotStderrKeepsTheConsoleFormat() {
    try (Ferryd daemon =
        DaemonFixture.ferryd(fx.socket, fx.dataDir)
            .environment("JOURNAL_STREAM", "8:12345")
            .start()) {
      assertThat(LogLines.matching(daemon.log(), l -> l.has("msg", "ferryd started")))
          .singleElement()
          .satisfies(l -> assertThat(l.priority()).isEqualTo(-1))
          .satisfies(l -> assertThat(l.text()).startsWith("time="));
    }
  }

  private static void assertProblem(UnixHttp.Response response, int status, HResult code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.as(Problem.class).name()).as(response.body()).isEqualTo(code.name());
  }
}
