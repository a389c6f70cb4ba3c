package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.rest.Json;
import dev.ferry.rest.LogLevelView;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.LogLines;
import dev.ferry.testkit.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry log-level} against a real ferryd started as {@code ferry daemon} is, so through the
 * command line's own logging, which ferryd replaces with its own. Who may change levels is in
 * ferry-daemon's PermissionsTest (a second user cannot run this test's class path).
 */
class LogLevelCommandTest {
  @TempDir Path tmp;
  private final Path socketDir = TestFiles.shortTempDir("fl");
  private final Path socket = socketDir.resolve("ferryd.sock");

  @AfterEach
  void tearDown() {
    TestFiles.deleteTree(socketDir);
  }

  @Test
  void raisingTheLevelMakesDebugLinesAppear() throws Exception {
    Cli ferry = new Cli("--socket", socket.toString());
    try (Ferryd daemon =
        Cli.ferryd(socket, tmp.resolve("data"))
            .through(FerryCommand.class.getName(), "daemon")
            .start()) {
      String id = ferry.run("create", "quiet").value();
      assertThat(LogLines.matching(daemon.log(), l -> l.has("msg", "ferryd started")))
          .as("ferryd's format, not the command line's")
          .hasSize(1);

      Cli.Result raised = ferry.run("log-level", "debug");
      assertThat(raised.code()).as(raised.toString()).isZero();
      assertThat(raised.value()).isEqualTo("dev.ferry DEBUG");
      assertThat(ferry.run("setdisplayname", id, "heard").code()).isZero();
      LogLines.Line debug =
          await("a DEBUG line")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () ->
                      LogLines.matching(
                          daemon.log(), l -> l.has("job", id) && l.has("msg", "job changed")),
                  lines -> !lines.isEmpty())
              .getFirst();
      assertThat(debug.get("level")).isEqualTo("DEBUG");

      Cli.Result one = ferry.run("log-level", "org.eclipse.jetty.server", "INFO", "--json");
      assertThat(Json.mapper().readValue(one.out(), LogLevelView.class))
          .isEqualTo(new LogLevelView("org.eclipse.jetty.server", "INFO", "INFO"));
      Cli.Result list = ferry.run("log-level");
      assertThat(list.lines()).first().asString().matches("ROOT +WARN");
      assertThat(list.lines())
          .anySatisfy(l -> assertThat(l).matches("dev\\.ferry +DEBUG"))
          .anySatisfy(l -> assertThat(l).matches("org\\.eclipse\\.jetty\\.server +INFO"));
      assertThat(ferry.run("log-level", "org.eclipse.jetty.server", "inherit").value())
          .isEqualTo("org.eclipse.jetty.server inherit (WARN)");

      Cli.Result wrong = ferry.run("log-level", "loud");
      assertThat(wrong.code()).as(wrong.toString()).isEqualTo(ExitCodes.USAGE);
      Cli.Result refused = ferry.run("log-level", "no logger", "INFO");
      assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(refused.err()).contains("E_INVALIDARG");
    }
  }

  @Test
  void withoutADaemonThereIsNoLevelToChange() {
    Cli.Result result = new Cli("--socket", socket.toString()).run("log-level", "DEBUG");
    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err()).contains("no ferryd answers").contains("FERRY_LOG_LEVEL");
  }
}
