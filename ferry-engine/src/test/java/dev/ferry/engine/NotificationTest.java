package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.PATIENCE;
import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.NotifyFlag;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BackgroundCopyCallback ({@code docs/bits-semantics.md#notifications}): which events arrive, when,
 * how often, on which thread, and that delivery is at least once.
 *
 * <p>Transferred, error and file notifications of one job are delivered in order, so a later one
 * arriving proves that no earlier one is still on its way; modification notifications have no such
 * order, so "none arrived" is checked over a quiet period longer than the job's notification
 * interval.
 */
class NotificationTest {
  private static final Duration QUIET = Duration.ofMillis(1200);

  @RegisterExtension final EngineFixture fx = new EngineFixture();

  @Test
  void jobTransferredArrivesOnceTransferredAndTheCallbackMayCompleteTheJob() throws Exception {
    Content content = Content.random(300_000, 1);
    BackgroundCopyJob job = jobFor("/a.bin", content);
    List<String> seen = new CopyOnWriteArrayList<>();
    job.setNotifyInterface(
        new BackgroundCopyCallback() {
          @Override
          public void jobTransferred(BackgroundCopyJob j) {
            seen.add(j.state() + " " + j.progress().bytesTransferred());
            seen.add("complete " + j.complete());
          }
        });
    job.resume();

    await().atMost(PATIENCE).until(() -> seen.size() == 2);
    assertThat(seen).containsExactly("TRANSFERRED 300000", "complete S_OK");
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(EngineFixture.sha256(fx.download("a.bin"))).isEqualTo(content.sha256());
  }

  @Test
  void jobErrorArrivesForAFatalErrorWithTheError() {
    BackgroundCopyJob job = fx.alice().createJob("missing");
    job.addFile(fx.origin.url("/missing.bin"), fx.download("missing.bin").toString());
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    job.resume();

    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("error");
    BackgroundCopyError error = recorder.error;
    assertThat(recorder.stateAtError).isEqualTo(JobState.ERROR);
    assertThat(error.code()).isEqualTo(HResult.httpError(404));
    assertThat(HResult.nameOf(error.code())).isEqualTo("BG_E_HTTP_ERROR_404");
    assertThat(error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(error.file().map(BackgroundCopyFile::remoteName))
        .contains(fx.origin.url("/missing.bin"));
    assertThat(error.protocol()).contains("http");
  }

  @Test
  void aTransientErrorSendsNoJobError() throws Exception {
    Content content = Content.random(100_000, 2);
    BackgroundCopyJob job = jobFor("/flaky.bin", content);
    fx.origin.fault("/flaky.bin", Fault.status(503));
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error()).map(BackgroundCopyError::code).contains(HResult.httpError(503));

    // Retry now rather than after the minimum retry delay; the transferred notification comes after
    // any error notification the transient error could have queued.
    fx.origin.clearFaults("/flaky.bin");
    job.resume();
    await().atMost(PATIENCE).until(() -> recorder.events.contains("transferred"));
    assertThat(recorder.events).containsExactly("transferred");
    assertThat(job.errorCount()).isEqualTo(1);
  }

  @Test
  void aTransientErrorThatOutlastsTheNoProgressTimeoutSendsJobError() {
    BackgroundCopyJob job = jobFor("/down.bin", Content.random(1000, 3));
    fx.origin.fault("/down.bin", Fault.status(503));
    // A retry delay (at least 5 s) longer than the no-progress timeout makes the error final at
    // once (docs/bits-semantics.md#retries).
    job.setNoProgressTimeout(Duration.ofSeconds(1));
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    job.resume();

    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("error");
    assertThat(recorder.stateAtError).isEqualTo(JobState.ERROR);
    assertThat(recorder.error.code()).isEqualTo(HResult.httpError(503));
  }

  @Test
  void aJobTransferredCallbackThatThrowsIsCalledAgainUntilItReturns() {
    BackgroundCopyJob job = jobFor("/b.bin", Content.random(50_000, 4));
    AtomicInteger calls = new AtomicInteger();
    job.setNotifyInterface(
        new BackgroundCopyCallback() {
          @Override
          public void jobTransferred(BackgroundCopyJob j) {
            if (calls.incrementAndGet() <= 2) {
              throw new IllegalStateException("not ready yet (call " + calls.get() + ")");
            }
          }
        });
    job.resume();

    await().atMost(PATIENCE).until(() -> calls.get() >= 3);
    // The third call returned normally: it is the last.
    await("no call after one returned normally")
        .during(QUIET)
        .atMost(QUIET.multipliedBy(3))
        .until(() -> calls.get() == 3);
    assertThat(job.state()).isEqualTo(JobState.TRANSFERRED);
  }

  @Test
  void registeringOnAnAlreadyTransferredJobDeliversJobTransferred() {
    BackgroundCopyJob job = jobFor("/c.bin", Content.random(50_000, 5));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("transferred");
  }

  @Test
  void registeringOnAnAlreadyFailedJobDeliversJobError() {
    BackgroundCopyJob job = fx.alice().createJob("failed");
    job.addFile(fx.origin.url("/gone.bin"), fx.download("gone.bin").toString());
    job.resume();
    awaitState(job, JobState.ERROR);

    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("error");
    assertThat(recorder.error.code()).isEqualTo(HResult.httpError(404));
  }

  @Test
  void theLastRegisteredCallbackWins() {
    BackgroundCopyJob job = jobFor("/d.bin", Content.random(800_000, 6));
    fx.origin.fault("/d.bin", Fault.throttle(400_000));
    job.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_MODIFICATION));
    Recorder first = new Recorder();
    job.setNotifyInterface(first);
    job.resume();
    await().atMost(PATIENCE).until(() -> first.modifications.get() > 0);

    Recorder second = new Recorder();
    job.setNotifyInterface(second);
    assertThat(job.notifyInterface()).containsSame(second);
    await().atMost(PATIENCE).until(() -> second.events.contains("transferred"));
    // Registering again re-delivers; once that second delivery is in, anything the transfer might
    // have sent to the first callback would have arrived too.
    job.setNotifyInterface(second);
    await().atMost(PATIENCE).until(() -> second.countOf("transferred") == 2);

    assertThat(first.events).as("the replaced callback").doesNotContain("transferred");
    assertThat(second.modifications.get()).as("progress went to the new callback").isPositive();
  }

  @Test
  void disableSuppressesEveryNotification() {
    BackgroundCopyJob ok = jobFor("/e.bin", Content.random(300_000, 7));
    BackgroundCopyJob failing = fx.alice().createJob("failing");
    failing.addFile(fx.origin.url("/nothing.bin"), fx.download("nothing.bin").toString());
    Set<NotifyFlag> everything = EnumSet.allOf(NotifyFlag.class);
    Recorder recorder = new Recorder();
    for (BackgroundCopyJob job : List.of(ok, failing)) {
      job.setNotifyFlags(everything);
      job.setNotifyInterface(recorder);
      job.setDescription("changed while disabled");
      job.resume();
    }
    awaitState(ok, JobState.TRANSFERRED);
    awaitState(failing, JobState.ERROR);
    // Every call of any kind records its thread.
    await("no call at all while DISABLE is set")
        .during(QUIET)
        .atMost(QUIET.multipliedBy(3))
        .until(() -> recorder.threads.isEmpty());

    // The callback itself works: without DISABLE the (still applicable) events arrive.
    ok.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED));
    ok.setNotifyInterface(recorder);
    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("transferred");
  }

  @Test
  void withoutJobModificationThereAreNoModificationCalls() {
    BackgroundCopyJob job = jobFor("/f.bin", Content.random(300_000, 8));
    fx.origin.fault("/f.bin", Fault.throttle(600_000));
    job.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_ERROR));
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    job.setDescription("a property change");
    job.setDisplayName("renamed");
    job.resume();

    await().atMost(PATIENCE).until(() -> recorder.events.contains("transferred"));
    await("jobTransferred and nothing else")
        .during(QUIET)
        .atMost(QUIET.multipliedBy(3))
        .until(() ->
            recorder.events.equals(List.of("transferred")) && recorder.modifications.get() == 0);
    assertThat(recorder.modifications.get()).isZero();
  }

  @Test
  void modificationsArriveForChangesAndProgressAtMostOncePerInterval() {
    BackgroundCopyJob job = jobFor("/g.bin", Content.random(600_000, 9));
    // About three seconds of transfer, in many small reads: many progress reports.
    fx.origin.fault("/g.bin", Fault.throttle(200_000));
    job.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_MODIFICATION));
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);

    job.setProperty(
        JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS, new JobPropertyValue.Dword(1000));
    await("a modification for a property change")
        .atMost(PATIENCE)
        .until(() -> recorder.modifications.get() >= 1);
    job.setDescription("another property change");
    await("a modification for the second change")
        .atMost(PATIENCE)
        .until(() -> recorder.modifications.get() >= 2);

    job.resume();
    await().atMost(PATIENCE).until(() -> recorder.events.contains("transferred"));
    // Let a last pending modification drain before counting.
    awaitStable(recorder.modifications);

    assertThat(recorder.progressSeen)
        .as("modifications reported progress while transferring")
        .anyMatch(bytes -> bytes > 0 && bytes < 600_000);
    // Unthrottled, every read of the transfer (dozens) would notify; at one per second a transfer
    // of about three seconds gives a handful.
    assertThat(recorder.modifications.get()).isBetween(3, 10);
  }

  @Test
  void fileTransferredArrivesForEachFileInOrder() {
    BackgroundCopyJob job = fx.alice().createJob("files");
    for (String name : List.of("one", "two", "three")) {
      fx.origin.put("/" + name, Content.random(100_000, name.length()));
      job.addFile(fx.origin.url("/" + name), fx.download(name).toString());
    }
    job.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.FILE_TRANSFERRED));
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    job.resume();

    await().atMost(PATIENCE).until(() -> recorder.events.contains("transferred"));
    assertThat(recorder.events)
        .containsExactly("file one", "file two", "file three", "transferred");
    assertThat(recorder.filesTransferredWhenNotified).containsOnly(true);
  }

  @Test
  void callbacksNeverRunOnATransferThread() {
    BackgroundCopyJob ok = jobFor("/h.bin", Content.random(400_000, 10));
    fx.origin.fault("/h.bin", Fault.throttle(800_000));
    BackgroundCopyJob failing = fx.alice().createJob("failing");
    failing.addFile(fx.origin.url("/absent.bin"), fx.download("absent.bin").toString());
    Recorder recorder = new Recorder();
    for (BackgroundCopyJob job : List.of(ok, failing)) {
      job.setNotifyFlags(
          EnumSet.of(
              NotifyFlag.JOB_TRANSFERRED,
              NotifyFlag.JOB_ERROR,
              NotifyFlag.JOB_MODIFICATION,
              NotifyFlag.FILE_TRANSFERRED));
      job.setNotifyInterface(recorder);
      job.resume();
    }

    await()
        .atMost(PATIENCE)
        .until(() -> recorder.events.contains("transferred") && recorder.events.contains("error"));
    assertThat(recorder.events).contains("file h.bin");
    assertThat(recorder.modifications.get()).isPositive();
    assertThat(recorder.threads).isNotEmpty().noneMatch(name -> name.startsWith("ferry-job-"));
  }

  @Test
  void aBlockingCallbackDoesNotHoldUpTransfers() throws Exception {
    BackgroundCopyJob blocked = jobFor("/slow-callback.bin", Content.random(500_000, 11));
    BackgroundCopyJob other = jobFor("/other.bin", Content.random(500_000, 12));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    AtomicInteger transferred = new AtomicInteger();
    AtomicBoolean inCallback = new AtomicBoolean();
    blocked.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_MODIFICATION));
    blocked.setNotifyInterface(
        new BackgroundCopyCallback() {
          @Override
          public void jobModification(BackgroundCopyJob j) {
            inCallback.set(true);
            blocking.countDown();
            try {
              release.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              inCallback.set(false);
            }
          }

          @Override
          public void jobTransferred(BackgroundCopyJob j) {
            transferred.incrementAndGet();
          }
        });
    Recorder otherRecorder = new Recorder();
    other.setNotifyInterface(otherRecorder);
    try {
      blocked.resume();
      assertThat(blocking.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .as("the callback is blocking")
          .isTrue();
      other.resume();

      awaitState(blocked, JobState.TRANSFERRED);
      await().atMost(PATIENCE).until(() -> otherRecorder.events.contains("transferred"));
      assertThat(inCallback).as("the callback was blocking all along").isTrue();
    } finally {
      release.countDown();
    }
    // Once the callback returns, the job's transferred notification still arrives.
    await().atMost(PATIENCE).until(() -> transferred.get() == 1);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** A suspended job of ALICE's downloading {@code path} (served with {@code content}). */
  private BackgroundCopyJob jobFor(String path, Content content) {
    fx.origin.put(path, content);
    String name = path.substring(1);
    BackgroundCopyJob job = fx.alice().createJob(name);
    job.addFile(fx.origin.url(path), fx.download(name).toString());
    return job;
  }

  /** Waits until {@code counter} has not changed for {@link #QUIET}. */
  private static void awaitStable(AtomicInteger counter) {
    int[] last = {counter.get()};
    await()
        .during(QUIET)
        .atMost(PATIENCE)
        .until(() -> {
          int now = counter.get();
          boolean same = now == last[0];
          last[0] = now;
          return same;
        });
  }

  /** Records every call, in order, and the thread each ran on. */
  private static final class Recorder implements BackgroundCopyCallback {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<Long> progressSeen = new CopyOnWriteArrayList<>();
    final List<Boolean> filesTransferredWhenNotified = new CopyOnWriteArrayList<>();
    final AtomicInteger modifications = new AtomicInteger();
    volatile BackgroundCopyError error;
    volatile JobState stateAtError;

    @Override
    public void jobTransferred(BackgroundCopyJob job) {
      threads.add(Thread.currentThread().getName());
      events.add("transferred");
    }

    @Override
    public void jobError(BackgroundCopyJob job, BackgroundCopyError error) {
      threads.add(Thread.currentThread().getName());
      this.error = error;
      this.stateAtError = job.state();
      events.add("error");
    }

    @Override
    public void jobModification(BackgroundCopyJob job) {
      threads.add(Thread.currentThread().getName());
      progressSeen.add(job.progress().bytesTransferred());
      modifications.incrementAndGet();
    }

    @Override
    public void fileTransferred(BackgroundCopyJob job, BackgroundCopyFile file) {
      threads.add(Thread.currentThread().getName());
      filesTransferredWhenNotified.add(file.progress().transferred());
      events.add("file " + Path.of(file.localName()).getFileName());
    }

    long countOf(String event) {
      return events.stream().filter(event::equals).count();
    }
  }
}
