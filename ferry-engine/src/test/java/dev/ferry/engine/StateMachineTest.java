package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.ALICE;
import static dev.ferry.engine.EngineFixture.PATIENCE;
import static dev.ferry.engine.EngineFixture.ROOT;
import static dev.ferry.engine.EngineFixture.assertHResult;
import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.CostFlags;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.JobType;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job life cycle ({@code docs/bits-semantics.md#transitions}, whose table these rows follow),
 * driven only through the public API against a real engine and a real origin. Ferry has no
 * transitions on logon/logoff, network loss, JobInactivityTimeout or MaxDownloadTime, so none are
 * walked; those of the bandwidth policy's windows are BandwidthPolicyTest's.
 */
class StateMachineTest {
  /** Served at full speed. */
  private static final String SMALL = "/small.bin";

  /** Takes about two seconds: long enough to see TRANSFERRING, short enough to finish. */
  private static final String PACED = "/paced.bin";

  /** Would take half a minute: a transfer that is still running whenever the test looks. */
  private static final String SLOW = "/slow.bin";

  /** Another slow file, for a job that occupies the single background transfer slot. */
  private static final String BLOCKER = "/blocker.bin";

  /** Answers 503 until told otherwise. */
  private static final String UNAVAILABLE = "/unavailable.bin";

  /** Never served: 404. */
  private static final String MISSING = "/missing.bin";

  private static final Content SMALL_CONTENT = Content.random(64 * 1024, 11);
  private static final Content PACED_CONTENT = Content.random(96 * 1024, 12);
  private static final Content SLOW_CONTENT = Content.random(512 * 1024, 13);
  private static final Content UNAVAILABLE_CONTENT = Content.random(32 * 1024, 14);

  private static final int HTTP_503 = HResult.httpError(503);
  private static final int HTTP_404 = HResult.httpError(404);

  @RegisterExtension final EngineFixture fx = new EngineFixture();
  BackgroundCopyManager alice;

  /** A server that answers only when told to; closed before the engine so nothing waits on it. */
  HeldServer held;

  @BeforeEach
  void start() {
    alice = fx.alice();
    fx.origin.put(SMALL, SMALL_CONTENT);
    fx.origin.put(PACED, PACED_CONTENT);
    fx.origin.fault(PACED, Fault.throttle(48 * 1024));
    fx.origin.put(SLOW, SLOW_CONTENT);
    fx.origin.fault(SLOW, Fault.throttle(16 * 1024));
    fx.origin.put(BLOCKER, SLOW_CONTENT);
    fx.origin.fault(BLOCKER, Fault.throttle(16 * 1024));
    fx.origin.put(UNAVAILABLE, UNAVAILABLE_CONTENT);
    fx.origin.fault(UNAVAILABLE, Fault.status(503));
  }

  @AfterEach
  void stop() {
    if (held != null) {
      held.close();
    }
  }

  // ================================================================================================
  // The transition table, row by row
  // ================================================================================================

  /** One row (or a few closely related rows) of the transition table. */
  @FunctionalInterface
  interface Walk {
    void walk(StateMachineTest test) throws Exception;
  }

  static Stream<Arguments> transitions() {
    return Stream.of(
        row("(none) -CreateJob-> SUSPENDED", StateMachineTest::createJobStartsSuspended),
        row("SUSPENDED -Resume, no files-> SUSPENDED + BG_E_EMPTY", StateMachineTest::resumeEmpty),
        row(
            "SUSPENDED -Resume-> QUEUED -> (CONNECTING) -> TRANSFERRING",
            StateMachineTest::resumeQueuesAndTransfers),
        row(
            "QUEUED -> CONNECTING -connected-> TRANSFERRING (held server)",
            StateMachineTest::connectingUntilTheServerAnswers),
        row(
            "CONNECTING -connect failed-> TRANSIENT_ERROR",
            StateMachineTest::connectFailureIsTransient),
        row(
            "TRANSFERRING -last file finished-> TRANSFERRED",
            StateMachineTest::lastFileFinishedIsTransferred),
        row(
            "TRANSFERRING -Suspend-> SUSPENDED, Resume continues",
            StateMachineTest::suspendWhileTransferring),
        row(
            "CONNECTING -recoverable error (503)-> TRANSIENT_ERROR",
            StateMachineTest::serverUnavailableIsTransient),
        row(
            "TRANSFERRING -connection reset-> TRANSIENT_ERROR",
            StateMachineTest::connectionResetIsTransient),
        row(
            "TRANSIENT_ERROR -min retry delay-> QUEUED (retry); -NoProgressTimeout-> ERROR",
            StateMachineTest::automaticRetryAndNoProgressTimeout),
        row(
            "TRANSIENT_ERROR: MinRetryDelay > NoProgressTimeout -> straight to ERROR",
            StateMachineTest::retryDelayLongerThanTimeoutIsFatal),
        row(
            "TRANSIENT_ERROR: NoProgressTimeout 0 -> every error is fatal",
            StateMachineTest::zeroTimeoutMakesEveryErrorFatal),
        row("TRANSFERRING -fatal error (404)-> ERROR", StateMachineTest::notFoundIsFatal),
        row("ERROR -Resume-> QUEUED (re-armed)", StateMachineTest::resumeFromError),
        row(
            "TRANSIENT_ERROR -Resume-> QUEUED (early retry)",
            StateMachineTest::resumeFromTransientError),
        row(
            "TRANSFERRED -AddFile + Resume-> QUEUED -> TRANSFERRED",
            StateMachineTest::addFileToTransferredJob),
        row(
            "SUSPENDED mid-way -Complete-> ACKNOWLEDGED, BG_S_PARTIAL_COMPLETE",
            StateMachineTest::completeMidWayKeepsFinishedFiles),
        row(
            "TRANSFERRED -Complete, rename failed-> TRANSFERRED; Complete again",
            StateMachineTest::failedRenameLeavesJobTransferred));
  }

  private static Arguments row(String name, Walk walk) {
    return Arguments.of(name, walk);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transitions")
  void transition(String row, Walk walk) throws Exception {
    walk.walk(this);
  }

  private void createJobStartsSuspended() {
    BackgroundCopyJob job = alice.createJob("fresh");

    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(job.type()).isEqualTo(JobType.DOWNLOAD);
    assertThat(job.owner()).isEqualTo(ALICE);
    assertThat(job.files()).isEmpty();
    assertThat(job.errorCount()).isZero();
    assertThat(job.error()).isEmpty();
    assertThat(job.times().transferCompletionTime()).isEmpty();
    assertThat(job.progress().filesTotal()).isZero();
    assertThat(alice.enumJobs()).contains(job);
    assertThat(alice.getJob(job.id()).state()).isEqualTo(JobState.SUSPENDED);
  }

  private void resumeEmpty() {
    BackgroundCopyJob job = alice.createJob("empty");

    assertHResult(job::resume, HResult.BG_E_EMPTY);

    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    // The refused Resume was not the job's first resume: resume-once properties are still open.
    job.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(1 << 20));
    assertThat(job.getProperty(JobPropertyId.MAX_DOWNLOAD_SIZE))
        .isEqualTo(new JobPropertyValue.Uint64(1 << 20));
  }

  private void resumeQueuesAndTransfers() {
    BackgroundCopyJob job = alice.createJob("queued then transferring");
    job.addFile(fx.origin.url(PACED), fx.download("paced.bin").toString());

    StateRecorder recorder = new StateRecorder(job);
    try (recorder) {
      job.resume();
      assertThat(job.state())
          .as("right after Resume")
          .isIn(JobState.QUEUED, JobState.CONNECTING, JobState.TRANSFERRING);
      awaitState(job, JobState.TRANSFERRING);
      assertThat(job.error()).isEmpty();
      awaitState(job, JobState.TRANSFERRED);
    }
    List<JobState> seen = recorder.seen();

    // Every state seen after SUSPENDED, in order, is a step of the forward path: nothing else and
    // nothing backwards (CONNECTING is brief and may be missed).
    List<JobState> path =
        List.of(
            JobState.SUSPENDED,
            JobState.QUEUED,
            JobState.CONNECTING,
            JobState.TRANSFERRING,
            JobState.TRANSFERRED);
    assertThat(seen).first().isEqualTo(JobState.SUSPENDED);
    assertThat(seen).contains(JobState.TRANSFERRING).last().isEqualTo(JobState.TRANSFERRED);
    assertThat(seen).isSubsetOf(path);
    List<Integer> order = seen.stream().map(path::indexOf).toList();
    assertThat(order).as("states seen: %s", seen).isSorted();
  }

  private void connectingUntilTheServerAnswers() throws Exception {
    held = new HeldServer(SMALL_CONTENT.bytes());
    BackgroundCopyJob job = alice.createJob("held");
    Path target = fx.download("held.bin");
    job.addFile(held.url("/held.bin"), target.toString());

    job.resume();
    // The request is out but no response has come: the job is connecting.
    awaitState(job, JobState.CONNECTING);
    await().atMost(PATIENCE).until(() -> held.requests() == 1);
    assertThat(job.state()).isEqualTo(JobState.CONNECTING);

    held.sendHeadersAndHalf();
    awaitState(job, JobState.TRANSFERRING);

    held.sendRest();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(SMALL_CONTENT.sha256());
  }

  private void connectFailureIsTransient() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    BackgroundCopyJob job = alice.createJob("nobody listens");
    job.addFile("http://127.0.0.1:" + closedPort + "/x.bin", fx.download("x.bin").toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);

    assertThat(job.errorCount()).isEqualTo(1);
    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(error.context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
    assertThat(HResult.hex(error.code()))
        .isEqualTo(HResult.hex(HResult.ERROR_INTERNET_CANNOT_CONNECT.value()));
  }

  private void lastFileFinishedIsTransferred() {
    BackgroundCopyJob job = alice.createJob("two files");
    Path first = fx.download("first.bin");
    Path second = fx.download("second.bin");
    BackgroundCopyFile firstFile = job.addFile(fx.origin.url(SMALL), first.toString());
    BackgroundCopyFile secondFile = job.addFile(fx.origin.url(PACED), second.toString());

    job.resume();
    await("first file transferred while the second one still runs")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> {
          assertThat(firstFile.progress().transferred()).isTrue();
          assertThat(job.state()).isEqualTo(JobState.TRANSFERRING);
        });
    assertThat(secondFile.progress().transferred()).isFalse();
    assertThat(job.times().transferCompletionTime()).isEmpty();

    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.error()).isEmpty();
    assertThat(job.progress().filesTransferred()).isEqualTo(2);
    assertThat(job.progress().bytesTransferred())
        .isEqualTo(SMALL_CONTENT.size() + PACED_CONTENT.size());
    assertThat(job.times().transferCompletionTime()).isPresent();
    assertThat(Files.exists(first)).as("invisible until Complete").isFalse();
    assertThat(Files.exists(second)).as("invisible until Complete").isFalse();

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(first)).isEqualTo(SMALL_CONTENT.sha256());
    assertThat(EngineFixture.sha256(second)).isEqualTo(PACED_CONTENT.sha256());
  }

  private void suspendWhileTransferring() {
    BackgroundCopyJob job = alice.createJob("suspend while transferring");
    Path target = fx.download("slow.bin");
    job.addFile(fx.origin.url(SLOW), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRING);

    job.suspend();

    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(job.error()).isEmpty();
    assertThat(job.errorCount()).isZero();

    fx.origin.clearFaults(SLOW);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(SLOW_CONTENT.sha256());
  }

  private void serverUnavailableIsTransient() {
    BackgroundCopyJob job = alice.createJob("503");
    Path target = fx.download("unavailable.bin");
    job.addFile(fx.origin.url(UNAVAILABLE), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);

    assertThat(job.errorCount()).isEqualTo(1);
    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(error.code()).isEqualTo(HTTP_503);
    assertThat(error.protocol()).contains("http");
    assertThat(error.file()).isPresent();
    assertThat(error.file().get().localName()).isEqualTo(target.toString());
    assertThat(error.errorDescription(Locale.ENGLISH)).contains("503");
    assertThat(error.contextDescription(Locale.ENGLISH))
        .isEqualTo(ErrorContext.REMOTE_FILE.description());
  }

  private void connectionResetIsTransient() {
    BackgroundCopyJob job = alice.createJob("reset mid-transfer");
    Path target = fx.download("small.bin");
    job.addFile(fx.origin.url(SMALL), target.toString());
    fx.origin.faultOnce(SMALL, Fault.resetAfter(16 * 1024));

    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);

    assertThat(job.errorCount()).isEqualTo(1);
    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(error.context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
    assertThat(error.code())
        .isIn(
            HResult.BG_E_CONNECTION_CLOSED.value(),
            HResult.ERROR_INTERNET_CONNECTION_RESET.value());
    assertThat(error.file()).isPresent();

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.error()).isEmpty();
    job.complete();
    assertThat(EngineFixture.sha256(target)).isEqualTo(SMALL_CONTENT.sha256());
  }

  /**
   * The one walk that waits for the clock: two jobs side by side with the smallest retry delay (5
   * s). One fails once and must come back by itself; the other keeps failing, is retried once and
   * reaches ERROR when its 7 s no-progress timeout (longer than the retry delay) runs out.
   */
  private void automaticRetryAndNoProgressTimeout() {
    fx.origin.put("/once.bin", SMALL_CONTENT);
    fx.origin.faultOnce("/once.bin", Fault.status(503));
    BackgroundCopyJob recovers = alice.createJob("fails once");
    Path recovered = fx.download("once.bin");
    recovers.addFile(fx.origin.url("/once.bin"), recovered.toString());
    recovers.setPriority(JobPriority.FOREGROUND);
    recovers.setMinimumRetryDelay(Duration.ofSeconds(5));

    BackgroundCopyJob givesUp = alice.createJob("keeps failing");
    givesUp.addFile(fx.origin.url(UNAVAILABLE), fx.download("unavailable.bin").toString());
    givesUp.setPriority(JobPriority.FOREGROUND);
    givesUp.setMinimumRetryDelay(Duration.ofSeconds(5));
    givesUp.setNoProgressTimeout(Duration.ofSeconds(7));

    recovers.resume();
    givesUp.resume();
    awaitState(recovers, JobState.TRANSIENT_ERROR);
    awaitState(givesUp, JobState.TRANSIENT_ERROR);
    assertThat(recovers.errorCount()).isEqualTo(1);
    assertThat(givesUp.errorCount()).isEqualTo(1);

    // Nobody calls Resume: the engine retries after the minimum retry delay.
    awaitState(recovers, JobState.TRANSFERRED);
    assertThat(recovers.errorCount()).as("never reset").isEqualTo(1);
    assertThat(recovers.error()).isEmpty();
    assertRetriedAfter(fx.origin.requests("/once.bin"), Duration.ofSeconds(5));
    assertThat(recovers.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(recovered)).isEqualTo(SMALL_CONTENT.sha256());

    awaitState(givesUp, JobState.ERROR);
    assertThat(givesUp.errorCount())
        .as("one automatic retry fits in the no-progress timeout")
        .isEqualTo(2);
    assertRetriedAfter(fx.origin.requests(UNAVAILABLE), Duration.ofSeconds(5));
    BackgroundCopyError error = givesUp.error().orElseThrow();
    assertThat(error.code()).isEqualTo(HTTP_503);
    assertThat(error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
  }

  private static void assertRetriedAfter(List<RecordedRequest> requests, Duration delay) {
    List<RecordedRequest> gets = requests.stream().filter(r -> r.method().equals("GET")).toList();
    assertThat(gets).hasSizeGreaterThanOrEqualTo(2);
    Duration gap = Duration.between(gets.get(0).at(), gets.get(1).at());
    assertThat(gap).as("time before the retry").isGreaterThan(delay.minusMillis(100));
  }

  private void retryDelayLongerThanTimeoutIsFatal() {
    BackgroundCopyJob job = alice.createJob("retry delay > timeout");
    job.addFile(fx.origin.url(UNAVAILABLE), fx.download("unavailable.bin").toString());
    job.setMinimumRetryDelay(Duration.ofSeconds(5));
    job.setNoProgressTimeout(Duration.ofSeconds(2));

    job.resume();
    awaitState(job, JobState.ERROR);

    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(job.error().orElseThrow().code()).isEqualTo(HTTP_503);
    assertThat(fx.origin.requests(UNAVAILABLE)).hasSize(1);
  }

  private void zeroTimeoutMakesEveryErrorFatal() {
    BackgroundCopyJob job = alice.createJob("no retries");
    job.addFile(fx.origin.url(UNAVAILABLE), fx.download("unavailable.bin").toString());
    job.setNoProgressTimeout(Duration.ZERO);

    job.resume();
    awaitState(job, JobState.ERROR);

    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(job.error().orElseThrow().code()).isEqualTo(HTTP_503);
  }

  private void notFoundIsFatal() {
    BackgroundCopyJob job = alice.createJob("404");
    Path target = fx.download("missing.bin");
    job.addFile(fx.origin.url(MISSING), target.toString());

    job.resume();
    awaitState(job, JobState.ERROR);

    assertThat(job.errorCount()).isEqualTo(1);
    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(error.code()).isEqualTo(HTTP_404);
    assertThat(error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(error.protocol()).contains("http");
    assertThat(error.file().orElseThrow().remoteName()).isEqualTo(fx.origin.url(MISSING));
    assertThat(fx.origin.requests(MISSING)).hasSize(1);
  }

  private void resumeFromError() {
    BackgroundCopyJob job = alice.createJob("fix and resume");
    Path target = fx.download("missing.bin");
    job.addFile(fx.origin.url(MISSING), target.toString());
    job.resume();
    awaitState(job, JobState.ERROR);

    fx.origin.put(MISSING, SMALL_CONTENT);
    job.resume();

    assertThat(job.state())
        .as("right after Resume")
        .isIn(JobState.QUEUED, JobState.CONNECTING, JobState.TRANSFERRING, JobState.TRANSFERRED);
    assertThat(job.error()).isEmpty();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.errorCount()).as("never reset").isEqualTo(1);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(SMALL_CONTENT.sha256());
  }

  private void resumeFromTransientError() {
    fx.origin.put("/once.bin", SMALL_CONTENT);
    fx.origin.faultOnce("/once.bin", Fault.status(503));
    BackgroundCopyJob job = alice.createJob("retry early");
    job.addFile(fx.origin.url("/once.bin"), fx.download("once.bin").toString());
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(600));
    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    BackgroundCopyError error = job.error().orElseThrow();

    job.resume();

    assertThat(job.state())
        .as("right after Resume")
        .isIn(JobState.QUEUED, JobState.CONNECTING, JobState.TRANSFERRING, JobState.TRANSFERRED);
    // Well within the 600 s retry delay: the Resume retried at once.
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(job.error()).isEmpty();
    assertThat(error.code()).as("an error object is a snapshot").isEqualTo(HTTP_503);
    assertThat(fx.origin.requests("/once.bin")).hasSize(2);
  }

  private void addFileToTransferredJob() {
    BackgroundCopyJob job = alice.createJob("grows");
    Path first = fx.download("first.bin");
    Path second = fx.download("second.bin");
    job.addFile(fx.origin.url(SMALL), first.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    job.addFile(fx.origin.url("/second.bin"), second.toString());
    fx.origin.put("/second.bin", PACED_CONTENT);

    assertThat(job.state())
        .as("AddFile alone does not move the job")
        .isEqualTo(JobState.TRANSFERRED);
    assertThat(job.progress().filesTotal()).isEqualTo(2);
    assertThat(job.progress().filesTransferred()).isEqualTo(1);

    job.resume();
    assertThat(job.state())
        .as("right after Resume")
        .isIn(JobState.QUEUED, JobState.CONNECTING, JobState.TRANSFERRING, JobState.TRANSFERRED);
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.progress().filesTransferred()).isEqualTo(2);
    assertThat(fx.origin.requests(SMALL)).as("the finished file is not fetched again").hasSize(1);

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(first)).isEqualTo(SMALL_CONTENT.sha256());
    assertThat(EngineFixture.sha256(second)).isEqualTo(PACED_CONTENT.sha256());
  }

  private void completeMidWayKeepsFinishedFiles() throws Exception {
    BackgroundCopyJob job = alice.createJob("complete mid-way");
    Path first = fx.download("first.bin");
    Path second = fx.download("second.bin");
    BackgroundCopyFile firstFile = job.addFile(fx.origin.url(SMALL), first.toString());
    BackgroundCopyFile secondFile = job.addFile(fx.origin.url(SLOW), second.toString());
    job.resume();
    await("first file done, second one transferring")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> {
          assertThat(firstFile.progress().transferred()).isTrue();
          assertThat(secondFile.progress().bytesTransferred()).isPositive();
        });
    job.suspend();
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);

    assertThat(job.complete()).isEqualTo(HResult.BG_S_PARTIAL_COMPLETE);

    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(EngineFixture.sha256(first)).isEqualTo(SMALL_CONTENT.sha256());
    assertThat(firstFile.progress().completed()).isTrue();
    assertThat(secondFile.progress().completed()).isFalse();
    assertThat(Files.exists(second)).isFalse();
    assertThat(Files.exists(Path.of(secondFile.temporaryName()))).isFalse();
    try (Stream<Path> left = Files.list(fx.downloads)) {
      assertThat(left.toList()).containsExactly(first);
    }
  }

  private void failedRenameLeavesJobTransferred() throws Exception {
    BackgroundCopyJob job = alice.createJob("rename fails");
    Path target = fx.download("small.bin");
    job.addFile(fx.origin.url(SMALL), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    // A non-empty directory where the file should go: no rename can replace it.
    Files.createDirectories(target.resolve("in-the-way"));

    assertThatThrownBy(job::complete).isInstanceOf(FerryException.class);

    assertThat(job.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(alice.getJob(job.id()).state()).isEqualTo(JobState.TRANSFERRED);
    Files.delete(target.resolve("in-the-way"));
    Files.delete(target);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(EngineFixture.sha256(target)).isEqualTo(SMALL_CONTENT.sha256());
  }

  // ================================================================================================
  // "any non-final state" rows, from each state in turn
  // ================================================================================================

  /** A job brought into a state, with its one file. */
  private record Arranged(BackgroundCopyJob job, BackgroundCopyFile file, Content content) {
    Path target() {
      return Path.of(file.localName());
    }

    Path temporary() {
      return Path.of(file.temporaryName());
    }
  }

  /** Brings a new job of ALICE's into {@code state}, stable there for the rest of the test. */
  private Arranged arrange(JobState state) {
    BackgroundCopyJob job = alice.createJob("in " + state);
    Path target = fx.download("target.bin");
    return switch (state) {
      case SUSPENDED -> {
        // Suspended with part of the file on disk, the interesting case for Cancel and Complete.
        BackgroundCopyFile file = job.addFile(fx.origin.url(SLOW), target.toString());
        job.resume();
        awaitState(job, JobState.TRANSFERRING);
        await().atMost(PATIENCE).until(() -> file.progress().bytesTransferred() > 0);
        job.suspend();
        yield new Arranged(job, file, SLOW_CONTENT);
      }
      case QUEUED -> {
        // The single background transfer slot is taken by a slow job of the same priority.
        BackgroundCopyJob blocker = alice.createJob("blocker");
        blocker.addFile(fx.origin.url(BLOCKER), fx.download("blocker.bin").toString());
        blocker.resume();
        awaitState(blocker, JobState.TRANSFERRING);
        BackgroundCopyFile file = job.addFile(fx.origin.url(SMALL), target.toString());
        job.resume();
        yield new Arranged(job, file, SMALL_CONTENT);
      }
      case CONNECTING -> {
        held = new HeldServer(SMALL_CONTENT.bytes());
        BackgroundCopyFile file = job.addFile(held.url("/held.bin"), target.toString());
        job.resume();
        awaitState(job, JobState.CONNECTING);
        await().atMost(PATIENCE).until(() -> held.requests() == 1);
        yield new Arranged(job, file, SMALL_CONTENT);
      }
      case TRANSFERRING -> {
        BackgroundCopyFile file = job.addFile(fx.origin.url(SLOW), target.toString());
        job.resume();
        awaitState(job, JobState.TRANSFERRING);
        yield new Arranged(job, file, SLOW_CONTENT);
      }
      case TRANSIENT_ERROR -> {
        BackgroundCopyFile file = job.addFile(fx.origin.url(UNAVAILABLE), target.toString());
        job.resume();
        awaitState(job, JobState.TRANSIENT_ERROR);
        yield new Arranged(job, file, UNAVAILABLE_CONTENT);
      }
      case ERROR -> {
        BackgroundCopyFile file = job.addFile(fx.origin.url(MISSING), target.toString());
        job.resume();
        awaitState(job, JobState.ERROR);
        yield new Arranged(job, file, SMALL_CONTENT);
      }
      case TRANSFERRED -> {
        BackgroundCopyFile file = job.addFile(fx.origin.url(SMALL), target.toString());
        job.resume();
        awaitState(job, JobState.TRANSFERRED);
        yield new Arranged(job, file, SMALL_CONTENT);
      }
      default -> throw new IllegalArgumentException("cannot arrange " + state);
    };
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = JobState.class,
      names = {
        "SUSPENDED",
        "QUEUED",
        "CONNECTING",
        "TRANSFERRING",
        "TRANSIENT_ERROR",
        "ERROR",
        "TRANSFERRED"
      })
  void errorExistsOnlyInErrorStates(JobState state) {
    Arranged a = arrange(state);
    assertThat(a.job().state()).isEqualTo(state);

    boolean inError = state == JobState.ERROR || state == JobState.TRANSIENT_ERROR;
    assertThat(a.job().error().isPresent()).isEqualTo(inError);
    assertThat(a.job().errorCount()).isEqualTo(inError ? 1 : 0);
  }

  @ParameterizedTest(name = "{0} -Suspend-> SUSPENDED")
  @EnumSource(
      value = JobState.class,
      names = {
        "SUSPENDED",
        "QUEUED",
        "CONNECTING",
        "TRANSFERRING",
        "TRANSIENT_ERROR",
        "ERROR",
        "TRANSFERRED"
      })
  void suspendFromAnyNonFinalState(JobState state) {
    Arranged a = arrange(state);

    a.job().suspend();

    assertThat(a.job().state()).isEqualTo(JobState.SUSPENDED);
    assertThat(a.job().error()).as("no error object outside ERROR/TRANSIENT_ERROR").isEmpty();
    assertThat(alice.getJob(a.job().id()).state()).isEqualTo(JobState.SUSPENDED);
  }

  @ParameterizedTest(name = "{0} -Cancel-> CANCELLED")
  @EnumSource(
      value = JobState.class,
      names = {"SUSPENDED", "QUEUED", "TRANSFERRING", "TRANSIENT_ERROR", "ERROR", "TRANSFERRED"})
  void cancelFromAnyNonFinalState(JobState state) {
    Arranged a = arrange(state);
    UUID id = a.job().id();

    assertThat(a.job().cancel()).isEqualTo(HResult.S_OK);

    assertThat(a.job().state()).isEqualTo(JobState.CANCELLED);
    assertThat(Files.exists(a.target())).as("nothing of the job survives").isFalse();
    assertThat(Files.exists(a.temporary())).as("nothing of the job survives").isFalse();
    assertThat(alice.enumJobs()).doesNotContain(a.job());
    assertHResult(() -> alice.getJob(id), HResult.BG_E_NOT_FOUND);
  }

  @ParameterizedTest(name = "{0} -Complete-> ACKNOWLEDGED")
  @EnumSource(
      value = JobState.class,
      names = {"SUSPENDED", "QUEUED", "TRANSFERRING", "TRANSIENT_ERROR", "ERROR", "TRANSFERRED"})
  void completeFromAnyNonFinalState(JobState state) {
    Arranged a = arrange(state);
    UUID id = a.job().id();

    HResult result = a.job().complete();

    assertThat(a.job().state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(Files.exists(a.temporary())).as("no temporary file is left").isFalse();
    if (state == JobState.TRANSFERRED) {
      assertThat(result).isEqualTo(HResult.S_OK);
      assertThat(EngineFixture.sha256(a.target())).isEqualTo(a.content().sha256());
      assertThat(a.file().progress().completed()).isTrue();
    } else {
      assertThat(result)
          .as("the only file was not finished")
          .isEqualTo(HResult.BG_S_PARTIAL_COMPLETE);
      assertThat(Files.exists(a.target())).as("partial files are deleted").isFalse();
      assertThat(a.file().progress().completed()).isFalse();
    }
    assertThat(alice.enumJobs()).doesNotContain(a.job());
    assertHResult(() -> alice.getJob(id), HResult.BG_E_NOT_FOUND);
  }

  @ParameterizedTest(name = "{0} -Resume-> no change")
  @EnumSource(
      value = JobState.class,
      names = {"QUEUED", "CONNECTING", "TRANSFERRING"})
  void resumeInAnActionStateChangesNothing(JobState state) {
    Arranged a = arrange(state);
    long before = a.file().progress().bytesTransferred();

    a.job().resume();

    assertThat(a.job().state()).isEqualTo(state);
    if (state == JobState.TRANSFERRING) {
      // The running transfer goes on: more bytes arrive on the same (only) request.
      await()
          .atMost(PATIENCE)
          .until(() -> a.file().progress().bytesTransferred() > before + 16 * 1024);
      assertThat(a.job().state()).isEqualTo(JobState.TRANSFERRING);
      assertThat(fx.origin.requests(SLOW)).hasSize(1);
    } else if (state == JobState.CONNECTING) {
      assertThat(held.requests()).as("the request in flight is not repeated").isEqualTo(1);
    } else {
      assertThat(fx.origin.requests(SMALL)).as("still waiting for its turn").isEmpty();
    }
  }

  /**
   * Cancel and Complete stop the job's transfer and wait for it. A server that accepted the request
   * but has not answered must not hold them up until the read timeout (here 30 s; 60 s by default).
   */
  @Test
  void cancelAndCompleteDoNotWaitForAnUnansweredRequest() throws Exception {
    fx.restart(EngineFixture.testConfig().withReadTimeout(Duration.ofSeconds(30)));
    alice = fx.alice();
    held = new HeldServer(SMALL_CONTENT.bytes());
    BackgroundCopyJob cancelled = alice.createJob("cancelled while connecting");
    cancelled.addFile(held.url("/a.bin"), fx.download("a.bin").toString());
    cancelled.setPriority(JobPriority.FOREGROUND);
    BackgroundCopyJob completed = alice.createJob("completed while connecting");
    BackgroundCopyFile file =
        completed.addFile(held.url("/b.bin"), fx.download("b.bin").toString());
    completed.setPriority(JobPriority.FOREGROUND);
    cancelled.resume();
    completed.resume();
    awaitState(cancelled, JobState.CONNECTING);
    awaitState(completed, JobState.CONNECTING);
    await().atMost(PATIENCE).until(() -> held.requests() == 2);

    HResult cancel = assertTimeoutPreemptively(Duration.ofSeconds(10), cancelled::cancel);
    HResult complete = assertTimeoutPreemptively(Duration.ofSeconds(10), completed::complete);

    assertThat(cancel).isEqualTo(HResult.S_OK);
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(complete).isEqualTo(HResult.BG_S_PARTIAL_COMPLETE);
    assertThat(completed.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(Files.exists(Path.of(file.localName()))).isFalse();
  }

  // ================================================================================================
  // Final states: every mutator fails with BG_E_INVALID_STATE
  // ================================================================================================

  /** The handles a mutator may use on a job that has reached a final state. */
  private record Final(BackgroundCopyJob job, BackgroundCopyJob asRoot, BackgroundCopyFile file) {}

  @FunctionalInterface
  interface Mutation {
    void apply(Final f, StateMachineTest test) throws Exception;
  }

  private record Mutator(String name, Mutation mutation) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Mutator> MUTATORS =
      List.of(
          new Mutator(
              "addFile",
              (f, t) ->
                  f.job().addFile(t.fx.origin.url(SMALL), t.fx.download("new.bin").toString())),
          new Mutator(
              "addFileSet",
              (f, t) ->
                  f.job()
                      .addFileSet(
                          List.of(
                              new FileInfo(
                                  t.fx.origin.url(SMALL), t.fx.download("set.bin").toString())))),
          new Mutator(
              "addFileWithRanges",
              (f, t) ->
                  f.job()
                      .addFileWithRanges(
                          t.fx.origin.url(SMALL),
                          t.fx.download("ranged.bin").toString(),
                          List.of(new FileRange(0, 100)))),
          new Mutator("suspend", (f, t) -> f.job().suspend()),
          new Mutator("resume", (f, t) -> f.job().resume()),
          new Mutator("cancel", (f, t) -> f.job().cancel()),
          new Mutator("complete", (f, t) -> f.job().complete()),
          new Mutator("takeOwnership (as ROOT)", (f, t) -> f.asRoot().takeOwnership()),
          new Mutator("setDisplayName", (f, t) -> f.job().setDisplayName("renamed")),
          new Mutator("setDescription", (f, t) -> f.job().setDescription("described")),
          new Mutator("setPriority", (f, t) -> f.job().setPriority(JobPriority.HIGH)),
          new Mutator(
              "setNotifyFlags",
              (f, t) -> f.job().setNotifyFlags(EnumSet.of(NotifyFlag.JOB_MODIFICATION))),
          new Mutator(
              "setNotifyInterface",
              (f, t) -> f.job().setNotifyInterface(new BackgroundCopyCallback() {})),
          new Mutator(
              "setMinimumRetryDelay",
              (f, t) -> f.job().setMinimumRetryDelay(Duration.ofSeconds(60))),
          new Mutator(
              "setNoProgressTimeout",
              (f, t) -> f.job().setNoProgressTimeout(Duration.ofSeconds(60))),
          new Mutator(
              "setProxySettings",
              (f, t) ->
                  f.job().setProxySettings(new ProxySettings(ProxyUsage.NO_PROXY, null, null))),
          new Mutator("setCustomHeaders", (f, t) -> f.job().setCustomHeaders("X-Ferry-Test: 1")),
          new Mutator(
              "setProperty",
              (f, t) ->
                  f.job()
                      .setProperty(
                          JobPropertyId.COST_FLAGS,
                          new JobPropertyValue.Dword(CostFlags.TRANSFER_STANDARD))),
          new Mutator(
              "file.setRemoteName", (f, t) -> f.file().setRemoteName(t.fx.origin.url(PACED))));

  static Stream<Arguments> mutatorsOnFinalJobs() {
    return MUTATORS.stream()
        .flatMap(
            m -> Stream.of(JobState.ACKNOWLEDGED, JobState.CANCELLED).map(s -> Arguments.of(m, s)));
  }

  /** A job of ALICE's, with one transferred file, brought into a final state. */
  private Final finalJob(JobState finalState) {
    BackgroundCopyJob job = alice.createJob("original name");
    BackgroundCopyFile file = job.addFile(fx.origin.url(SMALL), fx.download("done.bin").toString());
    BackgroundCopyJob asRoot = fx.manager(ROOT).getJob(job.id());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    if (finalState == JobState.ACKNOWLEDGED) {
      assertThat(job.complete()).isEqualTo(HResult.S_OK);
    } else {
      assertThat(job.cancel()).isEqualTo(HResult.S_OK);
    }
    assertThat(job.state()).isEqualTo(finalState);
    return new Final(job, asRoot, file);
  }

  @ParameterizedTest(name = "{0} on a {1} job")
  @MethodSource("mutatorsOnFinalJobs")
  void everyMutatorFailsOnAFinalJob(Mutator mutator, JobState finalState) {
    Final f = finalJob(finalState);

    assertHResult(() -> mutator.mutation().apply(f, this), HResult.BG_E_INVALID_STATE);

    assertThat(f.job().state()).isEqualTo(finalState);
    assertThat(f.job().displayName()).isEqualTo("original name");
    assertThat(f.job().files()).hasSize(1);
    assertThat(f.job().owner()).isEqualTo(ALICE);
    assertThat(f.file().remoteName()).isEqualTo(fx.origin.url(SMALL));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = JobState.class,
      names = {"ACKNOWLEDGED", "CANCELLED"})
  void aFinalJobIsStillReadableButGoneFromTheQueue(JobState finalState) {
    Final f = finalJob(finalState);
    BackgroundCopyJob job = f.job();

    assertThat(job.state()).isEqualTo(finalState);
    assertThat(job.displayName()).isEqualTo("original name");
    assertThat(job.description()).isEmpty();
    assertThat(job.owner()).isEqualTo(ALICE);
    assertThat(job.type()).isEqualTo(JobType.DOWNLOAD);
    assertThat(job.priority()).isEqualTo(JobPriority.NORMAL);
    assertThat(job.errorCount()).isZero();
    assertThat(job.error()).isEmpty();
    assertThat(job.files()).hasSize(1);
    assertThat(job.progress().filesTotal()).isEqualTo(1);
    assertThat(job.progress().bytesTotal()).isEqualTo(SMALL_CONTENT.size());
    assertThat(job.times().transferCompletionTime()).isPresent();
    assertThat(f.file().localName()).isEqualTo(fx.download("done.bin").toString());
    assertThat(f.asRoot().state()).isEqualTo(finalState);

    assertHResult(() -> alice.getJob(job.id()), HResult.BG_E_NOT_FOUND);
    assertHResult(() -> fx.manager(ROOT).getJob(job.id()), HResult.BG_E_NOT_FOUND);
    assertThat(alice.enumJobs()).doesNotContain(job);
    assertThat(fx.manager(ROOT).enumJobs(true)).doesNotContain(job);

    fx.restart();
    assertHResult(() -> fx.alice().getJob(job.id()), HResult.BG_E_NOT_FOUND);
    assertThat(fx.alice().enumJobs()).isEmpty();
  }

  // ================================================================================================
  // helpers
  // ================================================================================================

  /**
   * Records the distinct states a job passes through, as a tight polling loop sees them. Brief
   * states may be missed; the order of those seen is real.
   */
  private static final class StateRecorder implements AutoCloseable {
    private final List<JobState> seen = new CopyOnWriteArrayList<>();
    private final BackgroundCopyJob job;
    private final Thread thread;
    private volatile boolean running = true;

    StateRecorder(BackgroundCopyJob job) {
      this.job = job;
      seen.add(job.state());
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("state-recorder")
              .start(() -> {
                while (running) {
                  sample();
                  LockSupport.parkNanos(200_000);
                }
              });
    }

    private void sample() {
      JobState state = job.state();
      if (seen.get(seen.size() - 1) != state) {
        seen.add(state);
      }
    }

    List<JobState> seen() {
      return new ArrayList<>(seen);
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sample();
    }
  }

  /**
   * A one-file HTTP server that holds every response until the test lets it go: first the headers
   * and half of the body ({@link #sendHeadersAndHalf}), then the rest ({@link #sendRest}).
   */
  private static final class HeldServer implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] body;
    private final CountDownLatch headers = new CountDownLatch(1);
    private final CountDownLatch rest = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    HeldServer(byte[] body) {
      this.body = body;
      try {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      Thread.ofVirtual().name("held-server").start(this::acceptLoop);
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    int requests() {
      return requests.get();
    }

    void sendHeadersAndHalf() {
      headers.countDown();
    }

    void sendRest() {
      rest.countDown();
    }

    private void acceptLoop() {
      try {
        while (true) {
          Socket socket = server.accept();
          sockets.add(socket);
          Thread.ofVirtual().name("held-connection").start(() -> serve(socket));
        }
      } catch (IOException closed) {
        // close() ends the loop.
      }
    }

    private void serve(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        requests.incrementAndGet();
        headers.await();
        OutputStream out = socket.getOutputStream();
        String head =
            "HTTP/1.1 200 OK\r\nContent-Length: "
                + body.length
                + "\r\nETag: \"held\"\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        rest.await();
        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
      } catch (IOException | InterruptedException e) {
        // The client went away or the test is over.
      }
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException ignored) {
        // Nothing to do.
      }
      for (Socket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Nothing to do.
        }
      }
    }
  }
}
