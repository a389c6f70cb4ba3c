package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DownloadTest {
  @RegisterExtension final EngineFixture fx = new EngineFixture();

  @Test
  void downloadsAWholeFileAndCompletesItIntoPlace() throws Exception {
    Content content = Content.random(5_000_000, 1);
    fx.origin.put("/big.bin", content);
    BackgroundCopyJob job = fx.alice().createJob("whole file");
    Path target = fx.download("big.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/big.bin"), target.toString());
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);

    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    assertThat(Files.exists(target)).as("invisible until Complete").isFalse();
    assertThat(job.progress().bytesTransferred()).isEqualTo(5_000_000);
    assertThat(job.progress().filesTransferred()).isEqualTo(1);
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS))
        .startsWith("HTTP/1.1 200")
        .contains("ETag");
    assertThat(job.times().transferCompletionTime()).isPresent();

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(file.progress().completed()).isTrue();
    assertThat(Files.list(fx.downloads).toList()).containsExactly(target);
  }

  @Test
  void downloadsRangesBackToBackInTheOrderGiven() throws Exception {
    Content content = Content.random(3_000_000, 2);
    fx.origin.put("/r.bin", content);
    BackgroundCopyJob job = fx.alice().createJob("ranges");
    Path target = fx.download("r.bin");
    List<FileRange> ranges =
        List.of(
            new FileRange(2_000_000, 100),
            new FileRange(10, 1_500_000),
            new FileRange(2_999_000, FileRange.TO_EOF));
    BackgroundCopyFile file =
        job.addFileWithRanges(fx.origin.url("/r.bin"), target.toString(), ranges);

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();

    byte[] expected = new byte[100 + 1_500_000 + 1000];
    System.arraycopy(content.slice(2_000_000, 100), 0, expected, 0, 100);
    System.arraycopy(content.slice(10, 1_500_000), 0, expected, 100, 1_500_000);
    System.arraycopy(content.slice(2_999_000, 1000), 0, expected, 1_500_100, 1000);
    byte[] actual = Files.readAllBytes(target);
    assertThat(actual.length).isEqualTo(expected.length);
    assertThat(Arrays.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1);
    assertThat(file.fileRanges()).isEqualTo(ranges);
    assertThat(file.progress().bytesTotal()).isEqualTo(expected.length);
  }

  @Test
  void transfersSeveralFilesInOrderAndFromFileUrls() throws Exception {
    Content a = Content.random(300_000, 3);
    fx.origin.put("/a.bin", a);
    Path local = fx.dir.resolve("source.bin");
    Files.write(local, Content.random(200_000, 4).bytes());
    BackgroundCopyJob job = fx.alice().createJob("two files");
    job.addFile(fx.origin.url("/a.bin"), fx.download("a.bin").toString());
    job.addFile(local.toUri().toString(), fx.download("b.bin").toString());

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);

    assertThat(EngineFixture.sha256(fx.download("a.bin"))).isEqualTo(a.sha256());
    assertThat(EngineFixture.sha256(fx.download("b.bin"))).isEqualTo(EngineFixture.sha256(local));
  }
}
