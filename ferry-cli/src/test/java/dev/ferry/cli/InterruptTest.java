package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobState;
import dev.ferry.client.FerryClient;
import dev.ferry.engine.Ferry;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ctrl+C typed at a real terminal while {@code get} or {@code transfer} shows its live progress
 * bar: the job is suspended (not killed with the process, and not left transferring), the command
 * exits 130 and says how to go on, and the same command resumes the download.
 */
class InterruptTest extends EmbeddedCliTest {
  private static final int SIZE = 8 << 20;

  Content content;

  @BeforeEach
  void serveSlow() {
    content = Content.random(SIZE, 77);
    origin.put("/slow.bin", content);
  }

  @Test
  void ctrlCSuspendsTheEmbeddedGetAndTheSameCommandResumesIt() throws Exception {
    Path data = tmp.resolve("data");
    Path target = downloads.resolve("slow.bin");
    String[] get = {
      "--data-dir",
      data.toString(),
      "get",
      "--limit-rate",
      "400K",
      origin.url("/slow.bin"),
      "-o",
      target.toString()
    };

    int code;
    String screen;
    try (Pty ferry = Pty.ferry(tmp, get)) {
      awaitBar(ferry, 5);
      ferry.interrupt();
      code = ferry.waitFor();
      screen = ferry.screen();
    }

    assertThat(code).as(screen).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(screen).contains("ferry: interrupted; run the same command again to resume");
    BackgroundCopyJob job;
    try (BackgroundCopyManager manager = Ferry.embedded(data)) {
      List<BackgroundCopyJob> jobs = manager.enumJobs();
      assertThat(jobs).hasSize(1);
      job = jobs.get(0);
      assertThat(job.state()).as("suspended, not left to transfer").isEqualTo(JobState.SUSPENDED);
    }

    List<String> unlimited = new java.util.ArrayList<>(List.of(get));
    unlimited.set(unlimited.indexOf("400K"), "unlimited");
    Cli.Result again = new Cli().run(unlimited.toArray(String[]::new));
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(TestFiles.sha256(target)).isEqualTo(content.sha256());
    try (BackgroundCopyManager manager = Ferry.embedded(data)) {
      assertThat(manager.enumJobs())
          .as("the suspended job was taken over and completed, not left beside a new one")
          .isEmpty();
    }
  }

  @Test
  void ctrlCSuspendsAGetThatRunsThroughFerryd() throws Exception {
    Path socketDir = TestFiles.shortTempDir("fd");
    Path socket = socketDir.resolve("ferryd.sock");
    try (Ferryd daemon = Cli.ferryd(socket, tmp.resolve("daemon-data")).start();
        Pty ferry =
            Pty.ferry(
                tmp,
                "--socket",
                socket.toString(),
                "get",
                "--limit-rate",
                "400K",
                origin.url("/slow.bin"),
                "-o",
                downloads.resolve("slow.bin").toString())) {
      awaitBar(ferry, 1);
      ferry.interrupt();
      int code = ferry.waitFor();

      assertThat(code).as(ferry.screen()).isEqualTo(ExitCodes.INTERRUPTED);
      try (BackgroundCopyManager client = FerryClient.connect(socket)) {
        List<BackgroundCopyJob> jobs = client.enumJobs();
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).state())
            .as("ferryd does not go on transferring it")
            .isEqualTo(JobState.SUSPENDED);
      }
    } finally {
      TestFiles.deleteTree(socketDir);
    }
  }

  @Test
  void ctrlCSuspendsATransfer() throws Exception {
    // A NORMAL job uses one connection: this keeps it under way for minutes.
    origin.fault("/slow.bin", Fault.throttle(64 * 1024));
    Path data = tmp.resolve("data");
    int code;
    String screen;
    try (Pty ferry =
        Pty.ferry(
            tmp,
            "--data-dir",
            data.toString(),
            "transfer",
            "nightly",
            origin.url("/slow.bin"),
            downloads.resolve("slow.bin").toString())) {
      awaitBar(ferry, 1);
      ferry.interrupt();
      code = ferry.waitFor();
      screen = ferry.screen();
    }

    assertThat(code).as(screen).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(screen).contains("is suspended: 'ferry resume' goes on");
    try (BackgroundCopyManager manager = Ferry.embedded(data)) {
      assertThat(manager.enumJobs())
          .singleElement()
          .extracting(BackgroundCopyJob::state)
          .isEqualTo(JobState.SUSPENDED);
    }
  }

  /** Until the live bar (a carriage return redraws it) shows at least {@code percent} %. */
  private static void awaitBar(Pty ferry, int percent) {
    try {
      await("the live progress bar")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            var bars = java.util.regex.Pattern.compile("\r\\S+ +(\\d+)% ").matcher(ferry.screen());
            int shown = -1;
            while (bars.find()) {
              shown = Integer.parseInt(bars.group(1));
            }
            return shown >= percent;
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("no progress bar; the terminal showed:\n" + ferry.screen(), e);
    }
  }
}
