package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FileInfo;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A FOREGROUND job's files transfer several at once, like aria2c -j; a background job's go one at a
 * time, in order, as in BITS.
 */
class ParallelFilesTest {
  private static final int FILES = 6;
  private static final int SIZE = 256 * 1024;

  @RegisterExtension
  final EngineFixture fx = new EngineFixture(EngineFixture.testConfig().withFilesInParallel(3));

  @BeforeEach
  void start() {
    for (int i = 0; i < FILES; i++) {
      fx.origin.put("/f" + i, Content.random(SIZE, 100 + i));
      // Each file takes seconds, so which requests overlap shows in what the origin saw.
      fx.origin.fault("/f" + i, Fault.throttle(SIZE / 4));
    }
  }

  private BackgroundCopyJob job(JobPriority priority) {
    BackgroundCopyJob job = fx.alice().createJob("files");
    job.setPriority(priority);
    List<FileInfo> files = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      files.add(new FileInfo(fx.origin.url("/f" + i), fx.download("f" + i).toString()));
    }
    job.addFileSet(files);
    return job;
  }

  private int filesRequested() {
    int n = 0;
    for (int i = 0; i < FILES; i++) {
      n += fx.origin.requests("/f" + i).isEmpty() ? 0 : 1;
    }
    return n;
  }

  @Test
  void aForegroundJobTransfersSeveralFilesAtOnceAndEveryOneArrivesWhole() {
    BackgroundCopyJob job = job(JobPriority.FOREGROUND);
    job.resume();
    await().atMost(Duration.ofSeconds(30)).until(() -> filesRequested() >= 3);
    assertThat(job.progress().filesTransferred())
        .as("three files asked for before the first one is done")
        .isZero();
    assertThat(filesRequested()).as("no more at once than configured").isEqualTo(3);

    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    for (int i = 0; i < FILES; i++) {
      assertThat(EngineFixture.sha256(fx.download("f" + i)))
          .isEqualTo(Content.random(SIZE, 100 + i).sha256());
    }
  }

  @Test
  void aBackgroundJobTransfersItsFilesOneAtATimeInOrder() {
    BackgroundCopyJob job = job(JobPriority.NORMAL);
    job.resume();
    for (int i = 1; i < 3; i++) {
      int file = i;
      await().atMost(Duration.ofSeconds(60)).until(() -> filesRequested() > file);
      assertThat(job.progress().filesTransferred())
          .as("file %d is asked for only once the files before it are done", file)
          .isEqualTo(file);
    }
    job.cancel();
  }

  @Test
  void oneFileFailingStopsTheOthersAndTheJobReportsThatFile() {
    fx.origin.remove("/f1");
    BackgroundCopyJob job = job(JobPriority.FOREGROUND);
    job.resume();
    awaitState(job, JobState.ERROR);
    var error = job.error().orElseThrow();
    assertThat(error.code()).isEqualTo(HResult.httpError(404));
    assertThat(error.file().orElseThrow().remoteName()).isEqualTo(fx.origin.url("/f1"));
    assertThat(job.progress().filesTransferred()).isLessThan(FILES);
  }
}
