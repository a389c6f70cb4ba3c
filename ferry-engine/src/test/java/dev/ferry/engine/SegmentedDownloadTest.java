package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.engine.transfer.FileTransfer;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Foreground files are fetched over several connections, each filling its own part. */
class SegmentedDownloadTest {
  private static final long MIB = 1 << 20;

  @RegisterExtension
  final EngineFixture fx = new EngineFixture(EngineFixture.testConfig().withConnections(4, MIB));

  private BackgroundCopyJob foreground(String name) {
    BackgroundCopyJob job = fx.alice().createJob(name);
    job.setPriority(JobPriority.FOREGROUND);
    return job;
  }

  @Test
  void aForegroundFileIsSplitAcrossConnectionsAndEndsByteExact() {
    Content content = Content.random(12 * MIB, 41);
    fx.origin.put("/big.bin", content);
    // Per connection, as nginx's limit_rate: more connections are faster.
    fx.origin.fault("/big.bin", Fault.throttle(4 * MIB));
    BackgroundCopyJob job = foreground("segmented");
    Path target = fx.download("big.bin");
    job.addFile(fx.origin.url("/big.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);

    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    List<RecordedRequest> requests = fx.origin.requests("/big.bin");
    assertThat(requests.stream().filter(r -> r.range().isPresent()).count())
        .as("parts fetched over connections of their own")
        .isGreaterThanOrEqualTo(3);
    assertThat(fx.origin.bytesServed("/big.bin"))
        .as("no part fetched twice beyond what a split cuts off")
        .isLessThan(content.size() + 4 * MIB);
    assertThat(job.progress().bytesTransferred()).isEqualTo(content.size());
  }

  @Test
  void aConnectionFarSlowerThanTheOthersIsDroppedAndTheOthersFinishItsPart() {
    Content content = Content.random(24 * MIB, 43);
    fx.origin.put("/straggler.bin", content);
    // Only the first connection crawls: at 16 KiB/s its share alone would take many minutes.
    fx.origin.faultOnce("/straggler.bin", Fault.throttle(16 * 1024));
    BackgroundCopyJob job = foreground("straggler");
    Path target = fx.download("straggler.bin");
    job.addFile(fx.origin.url("/straggler.bin"), target.toString());
    job.resume();
    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> job.state() == JobState.TRANSFERRED || job.state() == JobState.ERROR);
    assertThat(job.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  /** A new engine that may open 32 connections a file, whose transfer events are recorded. */
  private RecordedEvents upTo32Connections() {
    RecordedEvents events = new RecordedEvents();
    fx.restart(EngineFixture.testConfig().withConnections(32, MIB).withTransferEvents(events));
    return events;
  }

  /** Downloads {@code path} in a FOREGROUND job, which completes with the content byte-exact. */
  private void downloadInForeground(String path, Content content) {
    BackgroundCopyJob job = foreground(path);
    Path target = fx.download(path.substring(1));
    job.addFile(fx.origin.url(path), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void connectionsDoubleWhileEachOneAddsThroughput() {
    RecordedEvents events = upTo32Connections();
    Content content = Content.random(64 * MIB, 44);
    fx.origin.put("/ramp.bin", content);
    // Per connection, as nginx's limit_rate: every connection added adds its 2 MiB/s.
    fx.origin.fault("/ramp.bin", Fault.throttle(2 * MIB));
    downloadInForeground("/ramp.bin", content);
    // Counted where the connections are: the origin counts a response until its writer notices
    // the client left, which a throttled writer does only at its next write, while the client
    // closes a part cut short (split, dropped, shed) and opens the next request at once; under
    // load the origin saw 33 at a time from these 32.
    int connections = events.mostOpen();
    assertThat(connections)
        .as("more than the %d a file starts with", FileTransfer.INITIAL_CONNECTIONS)
        .isGreaterThan(FileTransfer.INITIAL_CONNECTIONS);
    assertThat(connections).as("never more than the configured most").isLessThanOrEqualTo(32);
  }

  /**
   * One doubling that measured no gain (here its two connections crawl) must not hold the whole
   * download at few connections: the ramp undoes it and tries again.
   */
  @RepeatedTest(3)
  void aDoublingThatDidNotPayIsTriedAgainLater() {
    RecordedEvents events = upTo32Connections();
    Content content = Content.random(64 * MIB, 46);
    fx.origin.put("/noisy.bin", content);
    fx.origin.fault("/noisy.bin", Fault.throttle(2 * MIB));
    // The first two connections run at 2 MiB/s; the first doubling's two crawl.
    for (long rate : new long[] {2 * MIB, 2 * MIB, 16 * 1024, 16 * 1024}) {
      fx.origin.faultOnce("/noisy.bin", Fault.throttle(rate));
    }
    downloadInForeground("/noisy.bin", content);
    assertThat(events.mostOpen())
        .as("beyond the first doubling's %d", 2 * FileTransfer.INITIAL_CONNECTIONS)
        .isGreaterThan(2 * FileTransfer.INITIAL_CONNECTIONS)
        .isLessThanOrEqualTo(32);
  }

  @Test
  void connectionsStayFewWhenMoreOfThemDoNotRaiseTheRate() {
    fx.restart(EngineFixture.testConfig().withConnections(32, MIB));
    // One cap for everything: a second, third or tenth connection cannot add anything.
    fx.engine()
        .setBandwidthPolicy(dev.ferry.engine.bandwidth.BandwidthPolicy.DEFAULT.withGlobal(8 * MIB));
    Content content = Content.random(32 * MIB, 45);
    fx.origin.put("/capped.bin", content);
    BackgroundCopyJob job = foreground("capped");
    Path target = fx.download("capped.bin");
    job.addFile(fx.origin.url("/capped.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    int connections = fx.origin.mostConcurrentRequests("/capped.bin");
    assertThat(connections)
        .as("one doubling tried, and no more")
        .isLessThanOrEqualTo(2 * FileTransfer.INITIAL_CONNECTIONS);
  }

  @Test
  void rangesOfAForegroundFileAreFetchedInParallelToo() throws Exception {
    Content content = Content.random(16 * MIB, 42);
    fx.origin.put("/r.bin", content);
    fx.origin.fault("/r.bin", Fault.throttle(4 * MIB));
    BackgroundCopyJob job = foreground("ranges");
    Path target = fx.download("r.bin");
    List<FileRange> ranges = List.of(new FileRange(8 * MIB, 6 * MIB), new FileRange(MIB, 3 * MIB));
    job.addFileWithRanges(fx.origin.url("/r.bin"), target.toString(), ranges);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    byte[] expected = new byte[(int) (9 * MIB)];
    System.arraycopy(content.slice(8 * MIB, (int) (6 * MIB)), 0, expected, 0, (int) (6 * MIB));
    System.arraycopy(
        content.slice(MIB, (int) (3 * MIB)), 0, expected, (int) (6 * MIB), (int) (3 * MIB));
    assertThat(java.util.Arrays.mismatch(java.nio.file.Files.readAllBytes(target), expected))
        .isEqualTo(-1);
    assertThat(fx.origin.requests("/r.bin").size()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aServerIgnoringRangesFallsBackToOneConnection() {
    Content content = Content.random(8 * MIB, 43);
    fx.origin.put("/plain.bin", content);
    fx.origin.fault("/plain.bin", Fault.ignoreRange());
    BackgroundCopyJob job = foreground("no ranges");
    Path target = fx.download("plain.bin");
    job.addFile(fx.origin.url("/plain.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void backgroundJobsUseOneConnection() {
    Content content = Content.random(12 * MIB, 44);
    fx.origin.put("/bg.bin", content);
    BackgroundCopyJob job = fx.alice().createJob("background");
    Path target = fx.download("bg.bin");
    job.addFile(fx.origin.url("/bg.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(fx.origin.requests("/bg.bin")).hasSize(1);
    assertThat(fx.origin.requests("/bg.bin").get(0).range()).isEqualTo(Optional.empty());
  }

  @Test
  void aConnectionResetInOnePartIsRefetchedByTheOthers() {
    Content content = Content.random(12 * MIB, 45);
    fx.origin.put("/reset.bin", content);
    fx.origin.fault("/reset.bin", Fault.throttle(4 * MIB));
    // The second request (the first helper's part) is cut short.
    fx.origin.faultOnce("/reset.bin", Fault.throttle(4 * MIB));
    fx.origin.faultOnce("/reset.bin", Fault.resetAfter(MIB / 2));
    BackgroundCopyJob job = foreground("reset part");
    Path target = fx.download("reset.bin");
    job.addFile(fx.origin.url("/reset.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }
}
