package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryFileProperty;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.DeliveryOptimizationJob;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.engine.integrity.IntegrityCheckInfo;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.SourceKind;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third kind of source, registered through the engine's configuration alone ({@link
 * MemorySource}, which holds the first half of a file), fills pieces beside HTTP; the source
 * planner leaves out a source that fails and blames a source whose pieces fail their hashes.
 */
class OtherSourcesTest {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private EngineFixture fx;
  private final RecordedEvents events = new RecordedEvents();

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  /**
   * An engine whose providers offer {@code toy} for the file at {@code path} and nothing else, and
   * an origin that serves {@code content} there.
   */
  private void serve(String path, Content content, MemorySource toy, int connections) {
    fx =
        new EngineFixture(
            tmp,
            EngineFixture.testConfig()
                .withConnections(connections, MIB)
                .withSourceProviders(
                    file -> file.uri().getPath().equals(path) ? List.of(toy) : List.of())
                .withTransferEvents(events));
    fx.origin.put(path, content);
  }

  /** A new job of the file at {@code path}, to {@code target}. */
  private BackgroundCopyJob job(String path, Path target) {
    BackgroundCopyJob job = fx.alice().createJob(path);
    job.addFile(fx.origin.url(path), target.toString());
    return job;
  }

  private static void transfer(BackgroundCopyJob job) {
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
  }

  /** Completes the transferred job: its file is then the content, byte-exact. */
  private static void complete(BackgroundCopyJob job, Path target, Content content) {
    job.complete();
    assertThat(EngineFixture.sha256(target)).as("nothing wrong kept").isEqualTo(content.sha256());
  }

  /** The offset each ranged request to the origin started at; -1 for one without a range. */
  private List<Long> rangeStarts(String path) {
    return fx.origin.requests(path).stream()
        .map(RecordedRequest::range)
        .map(range -> range.map(r -> Long.parseLong(r.replaceAll("bytes=(\\d+)-.*", "$1"))))
        .map(start -> start.orElse(-1L))
        .toList();
  }

  @Test
  void aThirdKindOfSourceFillsHalfTheFileBesideHttpAndCountsUnderItsOwnKind() {
    Content content = Content.random(8L * MIB, 61);
    serve("/half.bin", content, MemorySource.holding(content.bytes(), 4L * MIB), 4);
    Path target = fx.download("half.bin");
    BackgroundCopyJob job = job("/half.bin", target);
    transfer(job);
    SwarmStats stats = DeliveryOptimizationFile.of(job.files().get(0)).getStats();
    complete(job, target, content);

    assertThat(events.bytes(MemorySource.KIND)).isEqualTo(4L * MIB);
    assertThat(events.bytes(SourceKind.ORIGIN)).isEqualTo(4L * MIB);
    // The origin was asked once from the start, to learn the file's version (that response was
    // left unread), then only for the half the toy does not have, from a piece drawn at random
    // in it, a few pieces a request.
    List<Long> starts = rangeStarts("/half.bin");
    assertThat(starts.get(0)).isZero();
    assertThat(starts.subList(1, starts.size())).isNotEmpty().allMatch(at -> at >= 4L * MIB);
    // DO knows no such kind: its bytes count in the total, not as HTTP.
    assertThat(stats.totalBytesDownloaded()).isEqualTo(8L * MIB);
    assertThat(stats.bytesFromHttp()).isEqualTo(4L * MIB);
  }

  @Test
  void aForegroundFileTakesTheToysHalfOverSeveralConnections() {
    Content content = Content.random(16L * MIB, 62);
    serve("/fg.bin", content, MemorySource.holding(content.bytes(), 8L * MIB), 8);
    fx.origin.fault("/fg.bin", Fault.throttle(4 * MIB));
    Path target = fx.download("fg.bin");
    BackgroundCopyJob job = job("/fg.bin", target);
    job.setPriority(JobPriority.FOREGROUND);
    transfer(job);
    complete(job, target, content);

    assertThat(events.bytes(MemorySource.KIND)).isGreaterThanOrEqualTo(8L * MIB);
    List<Long> starts = rangeStarts("/fg.bin");
    assertThat(starts.subList(1, starts.size()))
        .as("after the one that told the version, no request to the origin for the toy's half")
        .allMatch(s -> s >= 8L * MIB);
  }

  @Test
  void aSourceThatFailsIsLeftOutAndTheOriginServesItsPart() {
    Content content = Content.random(6L * MIB, 63);
    MemorySource toy = MemorySource.failing(content.bytes(), 6L * MIB);
    serve("/fails.bin", content, toy, 1);
    Path target = fx.download("fails.bin");
    BackgroundCopyJob job = job("/fails.bin", target);
    transfer(job);
    complete(job, target, content);

    assertThat(toy.opened()).as("asked once, then banned").isEqualTo(1);
    assertThat(events.failed(MemorySource.KIND)).isEqualTo(1);
    assertThat(events.failed(SourceKind.ORIGIN)).isZero();
    assertThat(events.bytes(SourceKind.ORIGIN)).isEqualTo(content.size());
  }

  @Test
  void aPieceABadSourceSentIsBlamedOnItAndFetchedAgainFromTheOrigin() throws Exception {
    Content content = Content.random(8L * MIB, 64);
    MemorySource toy = MemorySource.corrupting(content.bytes(), 8L * MIB, MIB, Set.of(1));
    serve("/blame.bin", content, toy, 1);
    Path plain = tmp.resolve("plain.bin");
    Files.write(plain, content.bytes());
    PieceHashes hashes = PieceHashes.of(plain, MIB);
    fx.origin.put("/blame.bin.phf", hashes.encode());
    Path target = fx.download("blame.bin");
    BackgroundCopyJob job = fx.alice().createJob("blame");
    DeliveryOptimizationFile file =
        DeliveryOptimizationJob.of(job)
            .addFileWithRanges(
                "blame", fx.origin.url("/blame.bin"), target.toString(), List.of(), -1);
    file.setProperty(
        DeliveryFileProperty.INTEGRITY_CHECK_INFO,
        IntegrityCheckInfo.describe("blame.bin.phf", hashes));
    transfer(job);
    SwarmStats stats = file.getStats();
    complete(job, target, content);

    assertThat(events.rejected())
        .containsExactly(new RecordedEvents.Piece(1, MemorySource.KIND, false));
    assertThat(events.pieces)
        .contains(
            new RecordedEvents.Piece(0, MemorySource.KIND, true),
            new RecordedEvents.Piece(1, SourceKind.ORIGIN, true));
    // One strike is not a ban: once the origin has sent piece 1 again, the toy serves the rest.
    assertThat(toy.opened()).as("pieces 0, 1, and those after 1").isGreaterThan(2);
    // The origin: once for the version, then for the spoiled piece (and no further).
    assertThat(rangeStarts("/blame.bin")).containsExactly(0L, (long) MIB);
    // One request of the origin's at most: four pieces while another source shares the file.
    assertThat(events.bytes(SourceKind.ORIGIN)).isLessThanOrEqualTo(4L * MIB);
    assertThat(stats.piecesFailedIntegrity()).isEqualTo(1);
  }
}
