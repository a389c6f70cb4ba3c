package dev.ferry.client;

import static dev.ferry.testkit.Jobs.awaitState;
import static dev.ferry.testkit.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.testkit.ChildJvm;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * BITS's defining property: the program that queued a transfer may exit, the transfer goes on in
 * the service, and another program completes it.
 */
class ClientExitTest extends DaemonPerTest {
  @Test
  void aJobCreatedByAProcessThatExitedIsCompletedByAnother() throws Exception {
    Content content = Content.random(500_000, 31);
    origin.put("/slow.bin", content);
    // About five seconds of transfer: the creating process is long gone before it ends.
    origin.fault("/slow.bin", Fault.throttle(100_000));
    Path target = Files.createDirectories(dir.resolve("dl")).resolve("slow.bin");

    Process creator = startCreator(origin.url("/slow.bin"), target);
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(creator.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
    }
    assertThat(creator.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(creator.exitValue()).as("creator output: %s", lines).isZero();
    UUID id = UUID.fromString(lines.get(0));
    assertThat(creator.isAlive()).isFalse();

    try (BackgroundCopyManager second = FerryClient.connect(daemon.socket())) {
      BackgroundCopyJob job = second.getJob(id);
      assertThat(job.state())
          .as("still transferring after its creator exited")
          .isIn(JobState.QUEUED, JobState.CONNECTING, JobState.TRANSFERRING);
      assertThat(job.displayName()).isEqualTo("created by a process that exits");

      awaitState(job, JobState.TRANSFERRED);
      assertThat(job.complete()).isEqualTo(HResult.S_OK);
    }
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  private Process startCreator(String url, Path target) throws Exception {
    List<String> command =
        ChildJvm.command(
            CreateJobMain.class.getName(),
            List.of(daemon.socket().toString(), url, target.toString()));
    return new ProcessBuilder(command).redirectError(dir.resolve("creator.err").toFile()).start();
  }
}
