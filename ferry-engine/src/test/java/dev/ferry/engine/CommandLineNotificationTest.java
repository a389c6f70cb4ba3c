package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.api.NotifyCmdLine;
import dev.ferry.testkit.Content;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CommandLineNotificationTest {
  @TempDir Path tmp;
  @RegisterExtension final EngineFixture fx = new EngineFixture();

  @BeforeEach
  void start() {
    fx.origin.put("/f.bin", Content.random(50_000, 1));
  }

  /** The program runs as the job's owner, so these jobs belong to the user running the tests. */
  private dev.ferry.api.BackgroundCopyManager me() {
    return fx.manager(Ferry.currentUser());
  }

  private NotifyCmdLine recordInto(Path out) {
    return new NotifyCmdLine(
        "/bin/sh", "-c 'echo \"$FERRY_JOB_STATE $FERRY_JOB_ID $0\" > " + out + "' \"two words\"");
  }

  @Test
  void runsTheProgramWhenTheJobIsTransferredWithTheJobInItsEnvironment() throws Exception {
    Path out = tmp.resolve("notified.txt");
    BackgroundCopyJob job = me().createJob("cmd");
    job.setNotifyCmdLine(recordInto(out));
    job.addFile(fx.origin.url("/f.bin"), fx.download("f.bin").toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    await().atMost(EngineFixture.PATIENCE).until(() -> Files.exists(out) && Files.size(out) > 0);
    assertThat(Files.readString(out).trim()).isEqualTo("TRANSFERRED " + job.id() + " two words");
  }

  @Test
  void runsTheProgramWhenTheJobFails() throws Exception {
    Path out = tmp.resolve("failed.txt");
    BackgroundCopyJob job = me().createJob("cmd error");
    job.setNotifyCmdLine(recordInto(out));
    job.addFile(fx.origin.url("/missing.bin"), fx.download("m.bin").toString());
    job.resume();
    awaitState(job, JobState.ERROR);
    await().atMost(EngineFixture.PATIENCE).until(() -> Files.exists(out) && Files.size(out) > 0);
    assertThat(Files.readString(out)).startsWith("ERROR " + job.id());
  }

  @Test
  void aLiveCallbackTakesTheNotificationInstead() throws Exception {
    Path out = tmp.resolve("not-run.txt");
    BackgroundCopyJob job = me().createJob("callback first");
    job.setNotifyCmdLine(recordInto(out));
    var delivered = new java.util.concurrent.CountDownLatch(1);
    job.setNotifyInterface(
        new BackgroundCopyCallback() {
          @Override
          public void jobTransferred(BackgroundCopyJob j) {
            delivered.countDown();
          }
        });
    job.addFile(fx.origin.url("/f.bin"), fx.download("f.bin").toString());
    job.resume();
    assertThat(delivered.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // Give a wrongly started program every chance to show up before looking.
    BackgroundCopyJob witness = me().createJob("witness");
    Path witnessOut = tmp.resolve("witness.txt");
    witness.setNotifyCmdLine(recordInto(witnessOut));
    witness.addFile(fx.origin.url("/f.bin"), fx.download("w.bin").toString());
    witness.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        .until(() -> Files.exists(witnessOut) && Files.size(witnessOut) > 0);
    assertThat(out).doesNotExist();
  }

  @Test
  void isPersistedValidatedAndStrippedByTakeOwnership() {
    BackgroundCopyJob job = me().createJob("persisted");
    NotifyCmdLine commandLine = new NotifyCmdLine("/usr/bin/logger", "ferry done");
    job.setNotifyCmdLine(commandLine);
    fx.restart();
    BackgroundCopyJob again = me().getJob(job.id());
    assertThat(again.notifyCmdLine()).contains(commandLine);
    again.setNotifyCmdLine(null);
    assertThat(again.notifyCmdLine()).isEmpty();
    again.setNotifyCmdLine(commandLine);
    fx.manager(EngineFixture.ROOT).getJob(job.id()).takeOwnership();
    assertThat(fx.manager(EngineFixture.ROOT).getJob(job.id()).notifyCmdLine()).isEmpty();
    assertThat(codeOf(() -> new NotifyCmdLine("relative/prog", "")))
        .isEqualTo(HResult.E_INVALIDARG.value());
    assertThat(codeOf(() -> new NotifyCmdLine("/bin/true", "x".repeat(5000))))
        .isEqualTo(HResult.BG_E_STRING_TOO_LONG.value());
  }

  private static int codeOf(Runnable action) {
    try {
      action.run();
      return 0;
    } catch (FerryException e) {
      return e.hresult();
    }
  }

  @Test
  void listenersSeeStateChangesProgressAndFiles() {
    var events = new java.util.concurrent.CopyOnWriteArrayList<dev.ferry.engine.job.JobEvent>();
    fx.engine().addListener(events::add);
    BackgroundCopyJob job = me().createJob("observed");
    job.addFile(fx.origin.url("/f.bin"), fx.download("f.bin").toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() ->
            assertThat(events.stream().filter(e -> e.jobId().equals(job.id())).map(e -> e.state()))
                .contains(
                    JobState.SUSPENDED,
                    JobState.QUEUED,
                    JobState.TRANSFERRED,
                    JobState.ACKNOWLEDGED));
    assertThat(events)
        .anySatisfy(e -> {
          assertThat(e.kind()).isEqualTo(dev.ferry.engine.job.JobEvent.Kind.FILE_TRANSFERRED);
          assertThat(e.fileIndex()).isZero();
          assertThat(e.ownerUid()).isEqualTo(Ferry.currentUser().uid());
        });
  }
}
