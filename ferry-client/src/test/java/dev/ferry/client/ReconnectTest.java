package dev.ferry.client;

import static dev.ferry.client.TestSupport.PATIENCE;
import static dev.ferry.client.TestSupport.assertHResult;
import static dev.ferry.testkit.Jobs.awaitState;
import static dev.ferry.testkit.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The daemon restarts in the middle of a transfer; the client's callback survives it: the client
 * reconnects its event stream and the job's jobTransferred still arrives.
 */
class ReconnectTest extends DaemonPerTest {
  @Test
  void theCallbackArrivesAfterTheDaemonRestartedMidTransfer() throws Exception {
    Content content = Content.random(600_000, 41);
    origin.put("/big.bin", content);
    origin.fault("/big.bin", Fault.throttle(100_000));
    Path target = Files.createDirectories(dir.resolve("dl")).resolve("big.bin");
    Path socket = daemon.socket();

    try (BackgroundCopyManager manager = FerryClient.connect(socket)) {
      BackgroundCopyJob job = manager.createJob("survives a restart");
      job.addFile(origin.url("/big.bin"), target.toString());
      List<String> calls = new CopyOnWriteArrayList<>();
      job.setNotifyInterface(
          new BackgroundCopyCallback() {
            @Override
            public void jobTransferred(BackgroundCopyJob j) {
              calls.add("transferred " + j.state() + " on " + Thread.currentThread().getName());
            }
          });
      job.resume();
      await().atMost(PATIENCE).until(() -> job.progress().bytesTransferred() > 100_000);

      assertThat(daemon.terminate()).as("ferryd exits 0 on SIGTERM").isZero();
      assertHResult(job::state, HResult.DO_E_NO_SERVICE);
      assertThat(FerryClient.isRunning(socket)).isFalse();

      origin.clearFaults("/big.bin");
      daemon = TestSupport.startDaemon(socket, dir.resolve("data"));

      await("jobTransferred in the original client").atMost(PATIENCE).until(() -> !calls.isEmpty());
      assertThat(calls).hasSize(1);
      assertThat(calls.get(0)).startsWith("transferred TRANSFERRED on ferry-client-callback-");
      awaitState(job, JobState.TRANSFERRED);
      assertThat(job.complete()).isEqualTo(HResult.S_OK);
    }
    assertThat(sha256(target)).isEqualTo(content.sha256());
    assertThat(origin.bytesServed("/big.bin"))
        .as("the transfer resumed from its checkpoint rather than starting over")
        .isLessThan(2L * content.size());
  }
}
