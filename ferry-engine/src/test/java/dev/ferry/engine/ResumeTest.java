package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static dev.ferry.engine.EngineFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interrupted HTTP transfers and how they resume: from the last complete piece, with If-Range, and
 * from the first byte when the remote file changed. Whatever happens, the bytes on disk are right.
 */
class ResumeTest {
  private static final int PIECE = 1 << 20;
  private static final Set<JobState> RUNNING =
      EnumSet.of(JobState.QUEUED, JobState.CONNECTING, JobState.TRANSFERRING);

  @RegisterExtension final EngineFixture fx = new EngineFixture();

  @Test
  void aResetMidBodyResumesFromAPieceBoundaryWithIfRange() throws Exception {
    long size = 4L * PIECE;
    long resetAt = 5L * PIECE / 2;
    Content content = Content.random(size, 101);
    fx.origin.put("/reset.bin", content);
    fx.origin.faultOnce("/reset.bin", Fault.resetAfter(resetAt));
    BackgroundCopyJob job = fx.alice().createJob("reset");
    Path target = fx.download("reset.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/reset.bin"), target.toString());

    job.resume();
    BackgroundCopyError error =
        expectError(
            job,
            JobState.TRANSIENT_ERROR,
            HResult.ERROR_INTERNET_CONNECTION_RESET.value(),
            ErrorContext.GENERAL_TRANSPORT);
    assertThat(error.file()).contains(file);
    assertThat(error.protocol()).contains("http");
    assertThat(job.errorCount()).isEqualTo(1);
    assertIsPrefixOf(Path.of(file.temporaryName()), content);
    String etag = header(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS), "ETag");
    assertThat(etag).as("strong ETag of the first response").startsWith("\"");
    long received = file.progress().bytesTransferred();

    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/reset.bin");
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).range()).isEmpty();
    long resumedAt = openRangeStart(requests.get(1));
    // In the same process the bytes of the unfinished piece are on disk too, so the transfer goes
    // on from exactly where it stopped (after a restart it would go on from the last whole piece).
    assertThat(resumedAt)
        .as("resumed exactly after the bytes received")
        .isEqualTo(received)
        .isGreaterThan(2L * PIECE)
        .isLessThanOrEqualTo(resetAt);
    assertThat(requests.get(1).header("If-Range")).contains(etag);
    assertThat(fx.origin.bytesServed("/reset.bin"))
        .as("the pieces already on disk are not fetched again")
        .isLessThanOrEqualTo(resetAt + size - resumedAt)
        .isLessThan(2 * size);
    assertThat(job.error()).isEmpty();
    assertThat(file.progress().bytesTotal()).isEqualTo(size);
    long fileTransferred = file.progress().bytesTransferred();
    long jobTransferred = job.progress().bytesTransferred();

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
    // Last, so that a miscount does not hide the state of the bytes on disk.
    assertThat(fileTransferred)
        .as("file bytes transferred after a resume (never more than the file)")
        .isEqualTo(size);
    assertThat(jobTransferred).as("job bytes transferred after a resume").isEqualTo(size);
  }

  @Test
  void aTransientErrorIsRetriedAutomaticallyAfterTheMinimumRetryDelay() throws Exception {
    Content content = Content.random(3L * PIECE / 2, 102);
    fx.origin.put("/auto.bin", content);
    fx.origin.faultOnce("/auto.bin", Fault.resetAfter(PIECE + PIECE / 4));
    BackgroundCopyJob job = fx.alice().createJob("automatic retry");
    job.setMinimumRetryDelay(Duration.ofSeconds(1));
    assertThat(job.minimumRetryDelay())
        .as("raised to the 5 s floor")
        .isEqualTo(Duration.ofSeconds(5));
    Path target = fx.download("auto.bin");
    job.addFile(fx.origin.url("/auto.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    // No resume(): the engine retries by itself.
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/auto.bin");
    assertThat(requests).hasSize(2);
    assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
        .as("the retry waited for the minimum retry delay")
        .isGreaterThanOrEqualTo(Duration.ofMillis(4_900));
    assertThat(requests.get(1).range()).isPresent();
    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(job.error()).isEmpty();
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @ParameterizedTest(name = "new size {0}")
  @ValueSource(longs = {3L * PIECE, 2L * PIECE + 12_345})
  void aRemoteFileThatChangedBeforeTheResumeStartsOver(long newSize) throws Exception {
    Content old = Content.random(3L * PIECE, 103);
    fx.origin.put("/changing.bin", old);
    fx.origin.faultOnce("/changing.bin", Fault.resetAfter(3L * PIECE / 2));
    BackgroundCopyJob job = fx.alice().createJob("changed remote");
    Path target = fx.download("changing.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/changing.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    String oldEtag = header(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS), "ETag");

    Content fresh = Content.random(newSize, 104);
    fx.origin.put("/changing.bin", fresh);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/changing.bin");
    assertThat(openRangeStart(requests.get(1))).isPositive();
    assertThat(requests.get(1).header("If-Range")).contains(oldEtag);
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS))
        .as("If-Range no longer matches, so the whole new file came back")
        .startsWith("HTTP/1.1 200");
    assertThat(file.progress().bytesTotal()).isEqualTo(newSize);
    assertThat(file.progress().bytesTransferred()).isEqualTo(newSize);

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(Files.size(target)).isEqualTo(newSize);
    assertThat(sha256(target)).as("the new content, not a mix").isEqualTo(fresh.sha256());
  }

  @Test
  void newValidatorsOnAPartialResponseAlsoRestartTheFile() throws Exception {
    Content content = Content.random(3L * PIECE, 105);
    fx.origin.put("/etag.bin", content);
    fx.origin.faultOnce("/etag.bin", Fault.resetAfter(3L * PIECE / 2));
    // The resumed request gets its 206, but announcing the ETag of a new version.
    fx.origin.faultOnce("/etag.bin", Fault.changeEtag());
    BackgroundCopyJob job = fx.alice().createJob("changed etag");
    Path target = fx.download("etag.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/etag.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/etag.bin");
    assertThat(openRangeStart(requests.get(1))).isPositive();
    assertThat(requests.subList(2, requests.size()))
        .as("the first piece, done under the old validators, was fetched again")
        .anySatisfy(r -> assertThat(r.range().orElse("bytes=0-")).startsWith("bytes=0-"));
    assertThat(file.progress().bytesTransferred()).isEqualTo(content.size());
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void aServerIgnoringRangeOnResumeStillYieldsTheExactFile() throws Exception {
    Content content = Content.random(3L * PIECE, 106);
    fx.origin.put("/norange.bin", content);
    fx.origin.fault("/norange.bin", Fault.ignoreRange());
    fx.origin.faultOnce("/norange.bin", Fault.resetAfter(3L * PIECE / 2));
    BackgroundCopyJob job = fx.alice().createJob("range ignored");
    Path target = fx.download("norange.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/norange.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/norange.bin");
    assertThat(requests).hasSize(2);
    assertThat(openRangeStart(requests.get(1))).isPositive();
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS)).startsWith("HTTP/1.1 200");
    long transferred = file.progress().bytesTransferred();
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
    assertThat(transferred)
        .as("bytes transferred after a resume (never more than the file)")
        .isEqualTo(content.size());
  }

  @Test
  void aShortBodyIsTransientAndResumesToTheExactFile() throws Exception {
    long size = 5L * PIECE / 2;
    Content content = Content.random(size, 107);
    fx.origin.put("/short.bin", content);
    fx.origin.fault("/short.bin", Fault.shortBody(1000));
    BackgroundCopyJob job = fx.alice().createJob("short body");
    Path target = fx.download("short.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/short.bin"), target.toString());

    job.resume();
    expectError(
        job,
        JobState.TRANSIENT_ERROR,
        HResult.BG_E_CONNECTION_CLOSED.value(),
        ErrorContext.GENERAL_TRANSPORT);
    Path temp = Path.of(file.temporaryName());
    assertIsPrefixOf(temp, content);
    long received = file.progress().bytesTransferred();

    fx.origin.clearFaults("/short.bin");
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/short.bin");
    assertThat(requests).hasSize(2);
    assertThat(openRangeStart(requests.get(1)))
        .as("every byte received is kept, the unfinished piece's too")
        .isEqualTo(received)
        .isGreaterThanOrEqualTo(2L * PIECE);
    long transferred = file.progress().bytesTransferred();
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
    assertThat(transferred)
        .as("bytes transferred after a resume (never more than the file)")
        .isEqualTo(size);
  }

  @Test
  void aWrongContentRangeOnAResumedRequestIsFatal() throws Exception {
    Content content = Content.random(3L * PIECE, 108);
    fx.origin.put("/offbyone.bin", content);
    fx.origin.fault("/offbyone.bin", Fault.wrongContentRange());
    fx.origin.faultOnce("/offbyone.bin", Fault.resetAfter(3L * PIECE / 2));
    BackgroundCopyJob job = fx.alice().createJob("wrong content range");
    Path target = fx.download("offbyone.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/offbyone.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    job.resume();
    BackgroundCopyError error =
        expectError(
            job,
            JobState.ERROR,
            HResult.BG_E_INVALID_SERVER_RESPONSE.value(),
            ErrorContext.REMOTE_FILE);
    assertThat(error.file()).contains(file);

    assertThat(openRangeStart(fx.origin.requests("/offbyone.bin").get(1))).isPositive();
    assertIsPrefixOf(Path.of(file.temporaryName()), content);
    assertThat(target).doesNotExist();
  }

  @Test
  void responseHeadersDescribeTheLatestResponse() throws Exception {
    long size = 3L * PIECE / 2;
    Content content = Content.random(size, 109);
    fx.origin.put("/headers.bin", content);
    fx.origin.faultOnce("/headers.bin", Fault.resetAfter(PIECE + PIECE / 4));
    BackgroundCopyJob job = fx.alice().createJob("response headers");
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/headers.bin"), fx.download("headers.bin").toString());
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS))
        .as("no response yet")
        .isEmpty();

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    String first = file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS);
    assertThat(first).startsWith("HTTP/1.1 200");
    assertThat(header(first, "Content-Length")).isEqualTo(Long.toString(size));
    assertThat(header(first, "ETag")).isNotEmpty();
    long received = file.progress().bytesTransferred();

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    String latest = file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS);
    assertThat(latest).startsWith("HTTP/1.1 206");
    assertThat(header(latest, "Content-Range"))
        .isEqualTo("bytes " + received + "-" + (size - 1) + "/" + size);
    assertThat(header(latest, "Content-Length")).isEqualTo(Long.toString(size - received));
  }

  @Test
  void customHeadersAreSentOnEveryRequestIncludingResumedOnes() throws Exception {
    Content content = Content.random(3L * PIECE / 2, 110);
    fx.origin.put("/custom.bin", content);
    fx.origin.faultOnce("/custom.bin", Fault.resetAfter(PIECE + PIECE / 4));
    BackgroundCopyJob job = fx.alice().createJob("custom headers");
    job.setCustomHeaders("X-Ferry-Token: abc123\r\nX-Trace: t-1");
    Path target = fx.download("custom.bin");
    job.addFile(fx.origin.url("/custom.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/custom.bin");
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).range()).isPresent();
    assertThat(requests)
        .allSatisfy(r -> {
          assertThat(r.header("X-Ferry-Token")).contains("abc123");
          assertThat(r.header("X-Trace")).contains("t-1");
        });
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  // --- helpers -----------------------------------------------------------------------------------

  /**
   * Waits until the job has stopped transferring (so a wrong outcome fails at once rather than
   * after the whole patience), then checks that it is in {@code state} with this error code and
   * context.
   */
  static BackgroundCopyError expectError(
      BackgroundCopyJob job, JobState state, int code, ErrorContext context) {
    awaitSettled(job);
    assertThat(job.state())
        .as("state of job %s, error %s", job.displayName(), job.error())
        .isEqualTo(state);
    Optional<BackgroundCopyError> maybe = job.error();
    assertThat(maybe).as("error of a job in %s", state).isPresent();
    BackgroundCopyError error = maybe.orElseThrow();
    assertThat(HResult.nameOf(error.code()))
        .as("code of %s", error)
        .isEqualTo(HResult.nameOf(code));
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.context()).as("context of %s", error).isEqualTo(context);
    return error;
  }

  /** Waits until the job is no longer queued, connecting or transferring. */
  static void awaitSettled(BackgroundCopyJob job) {
    await("job " + job.displayName() + " to stop transferring")
        .atMost(EngineFixture.PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !RUNNING.contains(job.state()));
  }

  /** The start of an open-ended {@code Range: bytes=N-} request header. */
  static long openRangeStart(RecordedRequest request) {
    String range = request.range().orElseThrow(() -> new AssertionError("no Range in " + request));
    assertThat(range).as("Range header").matches("bytes=\\d+-");
    return Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
  }

  /** The value of header {@code name} in a File5 HTTP_RESPONSE_HEADERS block. */
  static String header(String block, String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    return Arrays.stream(block.split("\r\n"))
        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
        .map(line -> line.substring(prefix.length()).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " header in:\n" + block));
  }

  /** Every byte written so far sits where it belongs: the file is a prefix of the content. */
  static void assertIsPrefixOf(Path file, Content content) throws IOException {
    byte[] written = Files.readAllBytes(file);
    assertThat((long) written.length).as("size of %s", file).isLessThanOrEqualTo(content.size());
    assertThat(Arrays.mismatch(written, content.slice(0, written.length)))
        .as("first wrong byte in %s", file)
        .isEqualTo(-1);
  }
}
