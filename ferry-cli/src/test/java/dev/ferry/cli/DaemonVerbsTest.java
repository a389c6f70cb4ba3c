package dev.ferry.cli;

import static dev.ferry.cli.JobVerbsTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.client.FerryClient;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Json;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs against a real ferryd process on a Unix socket. Each command is also given a {@code
 * --data-dir} for the embedded engine, which must stay untouched: that is how the tests see that
 * the command went to the daemon. The daemon's own view comes from a second client.
 */
class DaemonVerbsTest {
  @TempDir Path tmp;
  Path socketDir;
  Path socket;
  Path embeddedData;
  Path downloads;
  TestOrigin origin;

  @BeforeEach
  void start() throws IOException {
    // Unix socket paths are short (108 bytes): not under the deep @TempDir.
    socketDir = TestFiles.shortTempDir("fd");
    socket = socketDir.resolve("ferryd.sock");
    embeddedData = tmp.resolve("embedded-data");
    downloads = Files.createDirectories(tmp.resolve("downloads"));
    origin = TestOrigin.start();
  }

  @AfterEach
  void stop() throws IOException {
    origin.close();
    TestFiles.deleteTree(socketDir);
  }

  @Test
  void jobVerbsReachTheDaemon() throws Exception {
    Content content = Content.random(900_000, 41);
    origin.put("/daemon.bin", content);
    Path target = downloads.resolve("daemon.bin");
    Cli ferry = new Cli("--socket", socket.toString(), "--data-dir", embeddedData.toString());

    try (Ferryd daemon = Cli.ferryd(socket, tmp.resolve("daemon-data")).start();
        BackgroundCopyManager observer = FerryClient.connect(socket)) {
      Cli.Result created = ferry.run("create", "through ferryd");
      assertThat(created.code()).as(created.toString()).isZero();
      UUID id = UUID.fromString(created.value());
      assertThat(observer.getJob(id).displayName())
          .as("another client sees the job")
          .isEqualTo("through ferryd");

      assertOk(
          ferry.run("addfile", "through ferryd", origin.url("/daemon.bin"), target.toString()));
      assertOk(ferry.run("setpriority", id.toString(), "FOREGROUND"));
      assertThat(observer.getJob(id).files()).hasSize(1);
      assertOk(ferry.run("resume", id.toString()));
      assertOk(ferry.run("wait", "-q", id.toString()));
      assertThat(observer.getJob(id).state()).isEqualTo(JobState.TRANSFERRED);

      JobView[] listed =
          Json.mapper().readValue(ferry.run("list", "--json").out(), JobView[].class);
      assertThat(Arrays.stream(listed).map(JobView::id)).containsExactly(id.toString());
      assertThat(listed[0].priority()).isEqualTo("FOREGROUND");
      assertThat(ferry.run("status").out()).contains("ferryd at " + socket);

      assertOk(ferry.run("complete", "through ferryd"));
      assertThat(TestFiles.sha256(target)).isEqualTo(content.sha256());
      assertThat(observer.enumJobs()).isEmpty();
      JobVerbsTest.assertFails(ferry.run("getstate", id.toString()), "BG_E_NOT_FOUND");
    }
    assertThat(embeddedData).as("the embedded engine was never opened").doesNotExist();
  }

  @Test
  void getUsesTheDaemonWhenOneAnswersAndTheEmbeddedEngineOtherwise() {
    Content content = Content.random(400_000, 42);
    origin.put("/get.bin", content);
    Cli ferry = new Cli("--socket", socket.toString(), "--data-dir", embeddedData.toString());

    try (Ferryd daemon = Cli.ferryd(socket, tmp.resolve("daemon-data")).start()) {
      Path viaDaemon = downloads.resolve("via-daemon.bin");
      Cli.Result result =
          ferry.run("get", "-q", origin.url("/get.bin"), "-o", viaDaemon.toString());
      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(TestFiles.sha256(viaDaemon)).isEqualTo(content.sha256());
      assertThat(embeddedData).as("not the embedded engine").doesNotExist();
    }

    Path embedded = downloads.resolve("embedded.bin");
    Cli.Result result = ferry.run("get", "-q", origin.url("/get.bin"), "-o", embedded.toString());
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(TestFiles.sha256(embedded)).isEqualTo(content.sha256());
    assertThat(embeddedData.resolve("ferry.db")).as("the embedded engine's store").exists();
  }

  @Test
  void noDaemonSkipsARunningDaemon() {
    Cli ferry = new Cli("--socket", socket.toString(), "--data-dir", embeddedData.toString());
    try (Ferryd daemon = Cli.ferryd(socket, tmp.resolve("daemon-data")).start();
        BackgroundCopyManager observer = FerryClient.connect(socket)) {
      String id = ferry.run("--no-daemon", "create", "local only").value();
      assertThat(embeddedData.resolve("ferry.db")).exists();
      try {
        observer.getJob(UUID.fromString(id));
        throw new AssertionError("the daemon knows a job created with --no-daemon");
      } catch (FerryException e) {
        assertThat(e.is(HResult.BG_E_NOT_FOUND)).as(e.toString()).isTrue();
      }
    }
  }

  @Test
  void ferryDaemonRunsFerrydInTheForegroundUntilSigterm() throws Exception {
    Path data = tmp.resolve("foreground-data");
    try (Ferryd daemon =
        Cli.ferryd(socket, data).through(FerryCommand.class.getName(), "daemon").start()) {
      assertThat(FerryClient.isRunning(socket)).isTrue();
      try (BackgroundCopyManager client = FerryClient.connect(socket)) {
        BackgroundCopyJob job = client.createJob("kept");
        assertThat(client.getJob(job.id()).displayName()).isEqualTo("kept");
      }
      assertThat(data).as("the --data-dir given to ferry reached ferryd").isDirectory();
      assertThat(daemon.terminate()).as(daemon.log()).isZero();
      assertThat(daemon.log())
          .as("the HTTP server's start-up lines are not ferryd's")
          .doesNotContainIgnoringCase("jetty")
          .doesNotContainIgnoringCase("javalin")
          .contains("msg=\"ferryd started\"");
    }
    assertThat(FerryClient.isRunning(socket)).isFalse();
  }
}
