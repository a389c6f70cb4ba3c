package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Complete and Cancel: what ends up on disk, and what does not. */
class CompleteCancelTest {
  private static final int MIB = 1 << 20;

  @RegisterExtension final EngineFixture fx = new EngineFixture();

  @Test
  void completeRenamesEachTemporaryFileIntoPlaceAndLeavesNoneBehind() throws Exception {
    Content a = Content.random(300_000, 21);
    Content b = Content.random(200_000, 22);
    fx.origin.put("/a.bin", a);
    fx.origin.put("/b.bin", b);
    Path unrelated = Files.writeString(fx.download("notes.txt"), "not the job's");
    BackgroundCopyJob job = fx.alice().createJob("two files");
    BackgroundCopyFile fileA =
        job.addFile(fx.origin.url("/a.bin"), fx.download("a.bin").toString());
    BackgroundCopyFile fileB =
        job.addFile(fx.origin.url("/b.bin"), fx.download("b.bin").toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    Path tempA = Path.of(fileA.temporaryName());
    Path tempB = Path.of(fileB.temporaryName());
    assertThat(tempA.getParent()).isEqualTo(fx.downloads);
    assertThat(tempA.getFileName().toString()).startsWith(".ferry-").endsWith(".part");
    assertThat(tempA).exists();
    assertThat(tempB).exists();
    assertThat(fx.download("a.bin")).doesNotExist();
    assertThat(fileA.progress().completed()).isFalse();
    Object inodeA = Files.getAttribute(tempA, "unix:ino");
    Object inodeB = Files.getAttribute(tempB, "unix:ino");

    assertThat(job.complete()).isEqualTo(HResult.S_OK);

    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(EngineFixture.sha256(fx.download("a.bin"))).isEqualTo(a.sha256());
    assertThat(EngineFixture.sha256(fx.download("b.bin"))).isEqualTo(b.sha256());
    assertThat(Files.getAttribute(fx.download("a.bin"), "unix:ino"))
        .as("renamed, not copied")
        .isEqualTo(inodeA);
    assertThat(Files.getAttribute(fx.download("b.bin"), "unix:ino")).isEqualTo(inodeB);
    assertThat(listDownloads())
        .containsExactlyInAnyOrder(fx.download("a.bin"), fx.download("b.bin"), unrelated);
    assertThat(fileA.progress().completed()).isTrue();
    assertThat(fileB.progress().completed()).isTrue();
    assertThat(fx.alice().enumJobs()).as("an acknowledged job leaves the queue").isEmpty();
  }

  @Test
  void completeWhileTheSecondFileIsHalfWayKeepsOnlyTheFirst() throws Exception {
    Content first = Content.random(200_000, 23);
    fx.origin.put("/first.bin", first);
    fx.origin.put("/second.bin", Content.random(2L * MIB, 24));
    fx.origin.fault("/second.bin", Fault.throttle(256 * 1024));
    BackgroundCopyJob job = fx.alice().createJob("partial");
    BackgroundCopyFile one =
        job.addFile(fx.origin.url("/first.bin"), fx.download("first.bin").toString());
    BackgroundCopyFile two =
        job.addFile(fx.origin.url("/second.bin"), fx.download("second.bin").toString());
    job.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        .untilAsserted(() -> {
          assertThat(one.progress().transferred()).isTrue();
          assertThat(two.progress().bytesTransferred()).isGreaterThan(256 * 1024);
        });
    assertThat(two.progress().transferred()).isFalse();
    Path secondTemp = Path.of(two.temporaryName());
    assertThat(secondTemp).exists();

    assertThat(job.complete()).isEqualTo(HResult.BG_S_PARTIAL_COMPLETE);

    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(EngineFixture.sha256(fx.download("first.bin"))).isEqualTo(first.sha256());
    assertThat(fx.download("second.bin")).doesNotExist();
    assertThat(secondTemp).doesNotExist();
    assertThat(listDownloads()).containsExactly(fx.download("first.bin"));
    assertThat(one.progress().completed()).isTrue();
    assertThat(two.progress().completed()).isFalse();
  }

  @Test
  void aFailedRenameLeavesTheJobTransferredUntilCompleteIsCalledAgain() throws Exception {
    Content a = Content.random(100_000, 25);
    Content b = Content.random(150_000, 26);
    fx.origin.put("/a.bin", a);
    fx.origin.put("/b.bin", b);
    BackgroundCopyJob job = fx.alice().createJob("blocked rename");
    BackgroundCopyFile fileA =
        job.addFile(fx.origin.url("/a.bin"), fx.download("a.bin").toString());
    Path targetB = fx.download("b.bin");
    BackgroundCopyFile fileB = job.addFile(fx.origin.url("/b.bin"), targetB.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    // Something else takes the second name: a directory that is not empty.
    Files.createDirectory(targetB);
    Path inside = Files.writeString(targetB.resolve("inside.txt"), "in the way");
    Path tempB = Path.of(fileB.temporaryName());

    assertThatThrownBy(job::complete)
        .isInstanceOfSatisfying(
            FerryException.class,
            e -> {
              assertThat(HResult.succeeded(e.hresult())).isFalse();
              assertThat(e.getMessage()).contains(targetB.toString());
            });

    assertThat(job.state()).as("stays TRANSFERRED").isEqualTo(JobState.TRANSFERRED);
    assertThat(fx.alice().enumJobs()).extracting(BackgroundCopyJob::id).containsExactly(job.id());
    assertThat(tempB).as("the data is kept for the next attempt").exists();
    assertThat(inside).hasContent("in the way");
    assertThat(fileB.progress().completed()).isFalse();
    assertThat(EngineFixture.sha256(fx.download("a.bin")))
        .as("the file renamed before the failure is available")
        .isEqualTo(a.sha256());
    assertThat(fileA.progress().completed()).isTrue();

    Files.delete(inside);
    Files.delete(targetB);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);

    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(EngineFixture.sha256(targetB)).isEqualTo(b.sha256());
    assertThat(EngineFixture.sha256(fx.download("a.bin"))).isEqualTo(a.sha256());
    assertThat(fileB.progress().completed()).isTrue();
    assertThat(listDownloads()).containsExactlyInAnyOrder(fx.download("a.bin"), targetB);
  }

  @Test
  void completeReplacesAnExistingDestinationFile() throws Exception {
    Content content = Content.random(120_000, 27);
    fx.origin.put("/o.bin", content);
    Path target = Files.writeString(fx.download("o.bin"), "an older version");
    BackgroundCopyJob job = fx.alice().createJob("overwrite");
    job.addFile(fx.origin.url("/o.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(target).as("untouched until Complete").hasContent("an older version");

    assertThat(job.complete()).isEqualTo(HResult.S_OK);

    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(listDownloads()).containsExactly(target);
  }

  @Test
  void cancelDuringTheTransferDeletesTheTemporaryFileAndNothingElse() throws Exception {
    fx.origin.put("/c.bin", Content.random(2L * MIB, 28));
    fx.origin.fault("/c.bin", Fault.throttle(256 * 1024));
    Path unrelated = Files.writeString(fx.download("notes.txt"), "not the job's");
    BackgroundCopyJob job = fx.alice().createJob("cancel while running");
    Path target = fx.download("c.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/c.bin"), target.toString());
    job.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        .untilAsserted(() -> {
          assertThat(job.state()).isEqualTo(JobState.TRANSFERRING);
          assertThat(file.progress().bytesTransferred()).isPositive();
        });
    Path temp = Path.of(file.temporaryName());
    assertThat(temp).exists();

    assertThat(job.cancel()).isEqualTo(HResult.S_OK);

    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(temp).doesNotExist();
    assertThat(target).as("the final file never appears").doesNotExist();
    assertThat(unrelated).hasContent("not the job's");
    assertThat(listDownloads()).containsExactly(unrelated);
    assertThat(fx.alice().enumJobs()).isEmpty();
    assertThatThrownBy(() -> fx.alice().getJob(job.id()))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.BG_E_NOT_FOUND)).isTrue());
    assertThatThrownBy(job::resume)
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.BG_E_INVALID_STATE)).isTrue());
    assertThatThrownBy(job::complete)
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.BG_E_INVALID_STATE)).isTrue());
  }

  @Test
  void cancelAfterTheTransferDeletesEveryTemporaryFileButNoPreExistingFile() throws Exception {
    fx.origin.put("/x.bin", Content.random(100_000, 29));
    fx.origin.put("/y.bin", Content.random(110_000, 30));
    Path unrelated = Files.writeString(fx.download("notes.txt"), "not the job's");
    Path existing = Files.writeString(fx.download("x.bin"), "the user's own x.bin");
    BackgroundCopyJob job = fx.alice().createJob("cancel when transferred");
    BackgroundCopyFile x = job.addFile(fx.origin.url("/x.bin"), existing.toString());
    BackgroundCopyFile y = job.addFile(fx.origin.url("/y.bin"), fx.download("y.bin").toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    Path tempX = Path.of(x.temporaryName());
    Path tempY = Path.of(y.temporaryName());
    assertThat(tempX).exists();
    assertThat(tempY).exists();

    assertThat(job.cancel()).isEqualTo(HResult.S_OK);

    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(tempX).doesNotExist();
    assertThat(tempY).doesNotExist();
    assertThat(fx.download("y.bin")).doesNotExist();
    assertThat(existing).as("Cancel never replaces a file").hasContent("the user's own x.bin");
    assertThat(unrelated).hasContent("not the job's");
    assertThat(listDownloads()).containsExactlyInAnyOrder(existing, unrelated);
  }

  @Test
  void theCompletedFileCarriesTheOriginsLastModifiedTime() throws Exception {
    Content content = Content.random(50_000, 31);
    // Each version is a second newer than the last, so this one is dated seconds from now and
    // cannot be confused with the time the file was written.
    for (int i = 0; i < 5; i++) {
      fx.origin.put("/m.bin", content);
    }
    Instant lastModified = originLastModified("/m.bin");
    assertThat(lastModified).isAfter(Instant.now().plusSeconds(2));
    BackgroundCopyJob job = fx.alice().createJob("mtime");
    Path target = fx.download("m.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/m.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);

    assertThat(Files.getLastModifiedTime(target).toInstant().truncatedTo(ChronoUnit.SECONDS))
        .isEqualTo(lastModified);
    assertThat(file.progress().completed()).isTrue();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  // --- helpers ---------------------------------------------------------------------------------

  private List<Path> listDownloads() throws Exception {
    try (Stream<Path> files = Files.list(fx.downloads)) {
      return files.toList();
    }
  }

  /** The Last-Modified the origin sends, read with a client that is not the engine's. */
  private Instant originLastModified(String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<Void> response =
          client.send(
              HttpRequest.newBuilder(URI.create(fx.origin.url(path)))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      String value = response.headers().firstValue("Last-Modified").orElseThrow();
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    }
  }
}
