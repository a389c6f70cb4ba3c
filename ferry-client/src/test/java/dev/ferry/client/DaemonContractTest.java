package dev.ferry.client;

import static dev.ferry.client.TestSupport.assertHResult;
import static dev.ferry.testkit.Jobs.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same contract against {@link FerryClient} talking to a real ferryd process. */
class DaemonContractTest extends ManagerContract {
  private Ferryd daemon;

  @Override
  protected BackgroundCopyManager open(Path dataDir) {
    daemon = TestSupport.startDaemon(dir.resolve("d.sock"), dataDir);
    return FerryClient.connect(daemon.socket());
  }

  @Override
  protected void shutDown() {
    if (daemon != null) {
      assertThat(daemon.terminate()).as("ferryd exits 0 on SIGTERM").isZero();
    }
  }

  @Test
  void closingAClientLeavesTheDaemonAndTheJobs() {
    BackgroundCopyJob job;
    try (BackgroundCopyManager other = FerryClient.connect(daemon.socket())) {
      job = other.createJob("outlives its client");
      job.setNotifyInterface(new BackgroundCopyCallback() {});
      assertThat(job.notifyInterface()).isPresent();
      assertThat(manager.getJob(job.id()).notifyInterface())
          .as("callbacks live in the process, per client, not in the daemon")
          .isEmpty();
    }
    assertHResult(job::state, HResult.DO_E_NO_SERVICE);
    assertThat(manager.getJob(job.id()).displayName()).isEqualTo("outlives its client");
    assertThat(FerryClient.isRunning(daemon.socket())).isTrue();
  }

  @Test
  void aJobCompletedByAnotherClientStillListsItsFilesHere() {
    BackgroundCopyJob job = manager.createJob("completed elsewhere");
    job.addFileSet(
        List.of(
            new FileInfo(serve("a.bin", Content.random(1000, 31)), local("a.bin")),
            new FileInfo(serve("b.bin", Content.random(2000, 32)), local("b.bin"))));
    job.setNotifyInterface(new BackgroundCopyCallback() {});
    job.resume();
    // The state is polled without the files; the job must still know them once it is gone.
    awaitState(job, JobState.TRANSFERRED);
    try (BackgroundCopyManager other = FerryClient.connect(daemon.socket())) {
      assertThat(other.getJob(job.id()).complete()).isEqualTo(HResult.S_OK);
    }
    // Not found until the event stream tells this client why the daemon forgot the job.
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreException(FerryException.class)
        .until(() -> job.state() == JobState.ACKNOWLEDGED);
    assertThat(job.files())
        .extracting(BackgroundCopyFile::localName)
        .containsExactly(local("a.bin"), local("b.bin"));
  }

  @Test
  void theDaemonIsRunningAndSeesThisProcessUser() {
    assertThat(FerryClient.isRunning(daemon.socket())).isTrue();
    assertThat(manager.caller()).isEqualTo(dev.ferry.engine.Ferry.currentUser());
    var found = FerryClient.connectIfRunning(daemon.socket());
    assertThat(found).isPresent();
    try (BackgroundCopyManager other = found.get()) {
      assertThat(other.caller()).isEqualTo(dev.ferry.engine.Ferry.currentUser());
    }
  }
}
