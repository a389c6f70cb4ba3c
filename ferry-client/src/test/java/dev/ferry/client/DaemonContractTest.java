package dev.ferry.client;

import static dev.ferry.client.TestSupport.assertHResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.HResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The same contract against {@link FerryClient} talking to a real ferryd process. */
class DaemonContractTest extends ManagerContract {
  private DaemonProcess daemon;

  @Override
  protected BackgroundCopyManager open(Path dataDir) {
    daemon = DaemonProcess.start(dir.resolve("d.sock"), dataDir);
    return FerryClient.connect(daemon.socket);
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
    try (BackgroundCopyManager other = FerryClient.connect(daemon.socket)) {
      job = other.createJob("outlives its client");
      job.setNotifyInterface(new BackgroundCopyCallback() {});
      assertThat(job.notifyInterface()).isPresent();
      assertThat(manager.getJob(job.id()).notifyInterface())
          .as("callbacks live in the process, per client, not in the daemon")
          .isEmpty();
    }
    assertHResult(job::state, HResult.DO_E_NO_SERVICE);
    assertThat(manager.getJob(job.id()).displayName()).isEqualTo("outlives its client");
    assertThat(FerryClient.isRunning(daemon.socket)).isTrue();
  }

  @Test
  void theDaemonIsRunningAndSeesThisProcessUser() {
    assertThat(FerryClient.isRunning(daemon.socket)).isTrue();
    assertThat(manager.caller()).isEqualTo(dev.ferry.engine.Ferry.currentUser());
  }
}
