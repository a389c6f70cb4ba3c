package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.BOB;
import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.AuthTarget;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.CostFlags;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.JobTimes;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a clean restart of the engine keeps: every job, every property, and transfer progress. */
class PersistenceTest {
  private static final int MIB = 1 << 20;

  @RegisterExtension final EngineFixture fx = new EngineFixture();

  @Test
  void everyPropertyOfAJobSurvivesARestart() {
    // Job A: every settable property changed from its default, never resumed.
    BackgroundCopyJob a = fx.manager(BOB).createJob("bob's job");
    a.setProperty(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(true));
    a.addFile(fx.origin.url("/a1.bin"), fx.download("a1.bin").toString());
    a.addFile(fx.origin.url("/a2.bin"), fx.download("a2.bin").toString());
    a.setDescription("a description with ünïcödé and\nnewlines");
    a.setPriority(JobPriority.LOW);
    a.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_MODIFICATION, NotifyFlag.FILE_TRANSFERRED));
    a.setMinimumRetryDelay(Duration.ofSeconds(77));
    a.setNoProgressTimeout(Duration.ofSeconds(12_345));
    ProxySettings proxy =
        new ProxySettings(
            ProxyUsage.OVERRIDE,
            "http=proxy.example:3128 https://p2.example:8080",
            "<local> *.lan");
    a.setProxySettings(proxy);
    a.setCustomHeaders("X-Ferry-A: one\r\nX-Other: two words");
    UUID clsid = UUID.randomUUID();
    a.setProperty(
        JobPropertyId.COST_FLAGS, new JobPropertyValue.Dword(CostFlags.TRANSFER_NOT_ROAMING));
    a.setProperty(JobPropertyId.NOTIFICATION_CLSID, new JobPropertyValue.ClsId(clsid));
    a.setProperty(JobPropertyId.DYNAMIC_CONTENT, new JobPropertyValue.Enable(true));
    a.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(123_456_789L));
    a.setProperty(JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(3_000_000L));
    a.setProperty(
        JobPropertyId.USE_STORED_CREDENTIALS, new JobPropertyValue.Target(AuthTarget.PROXY));
    a.setProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS, new JobPropertyValue.Dword(250));

    // Job B: in ERROR after two failed attempts, with a ranged second file.
    BackgroundCopyJob b = fx.manager(BOB).createJob("failing job");
    b.setProperty(JobPropertyId.ON_DEMAND_MODE, new JobPropertyValue.Enable(true));
    b.setProxySettings(new ProxySettings(ProxyUsage.NO_PROXY, null, null));
    b.setCustomHeaders("X-Ferry-B: persisted");
    b.setPriority(JobPriority.FOREGROUND);
    b.addFile(fx.origin.url("/missing.bin"), fx.download("missing.bin").toString());
    // Job C: a ranged file (ranges exclude both DYNAMIC_CONTENT and ON_DEMAND_MODE).
    BackgroundCopyJob c = fx.manager(BOB).createJob("ranged job");
    List<FileRange> ranges = List.of(new FileRange(10, 20), new FileRange(100, FileRange.TO_EOF));
    c.addFileWithRanges(fx.origin.url("/c.bin"), fx.download("c.bin").toString(), ranges);
    b.resume();
    awaitState(b, JobState.ERROR);
    b.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        .untilAsserted(() -> {
          assertThat(b.errorCount()).isEqualTo(2);
          assertThat(b.state()).isEqualTo(JobState.ERROR);
        });

    JobTimes timesA = a.times();
    JobTimes timesB = b.times();
    BackgroundCopyError errorBefore = b.error().orElseThrow();
    String descriptionBefore = errorBefore.errorDescription(Locale.ENGLISH);
    List<String> tempNamesA = a.files().stream().map(BackgroundCopyFile::temporaryName).toList();

    fx.restart();

    BackgroundCopyJob a2 = fx.manager(BOB).getJob(a.id());
    assertThat(a2.displayName()).isEqualTo("bob's job");
    assertThat(a2.description()).isEqualTo("a description with ünïcödé and\nnewlines");
    assertThat(a2.priority()).isEqualTo(JobPriority.LOW);
    assertThat(a2.notifyFlags())
        .containsExactlyInAnyOrder(NotifyFlag.JOB_MODIFICATION, NotifyFlag.FILE_TRANSFERRED);
    assertThat(a2.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(77));
    assertThat(a2.noProgressTimeout()).isEqualTo(Duration.ofSeconds(12_345));
    assertThat(a2.proxySettings()).isEqualTo(proxy);
    assertThat(a2.customHeaders()).isEqualTo("X-Ferry-A: one\r\nX-Other: two words");
    assertThat(a2.getProperty(JobPropertyId.COST_FLAGS))
        .isEqualTo(new JobPropertyValue.Dword(CostFlags.TRANSFER_NOT_ROAMING));
    assertThat(a2.getProperty(JobPropertyId.NOTIFICATION_CLSID))
        .isEqualTo(new JobPropertyValue.ClsId(clsid));
    assertThat(a2.getProperty(JobPropertyId.DYNAMIC_CONTENT))
        .isEqualTo(new JobPropertyValue.Enable(true));
    assertThat(a2.getProperty(JobPropertyId.HIGH_PERFORMANCE))
        .isEqualTo(new JobPropertyValue.Enable(true));
    assertThat(a2.getProperty(JobPropertyId.MAX_DOWNLOAD_SIZE))
        .isEqualTo(new JobPropertyValue.Uint64(123_456_789L));
    assertThat(a2.getProperty(JobPropertyId.MAX_TRANSFER_RATE))
        .isEqualTo(new JobPropertyValue.Uint64(3_000_000L));
    assertThat(a2.getProperty(JobPropertyId.USE_STORED_CREDENTIALS))
        .isEqualTo(new JobPropertyValue.Target(AuthTarget.PROXY));
    assertThat(a2.getProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS))
        .isEqualTo(new JobPropertyValue.Dword(250));
    assertThat(a2.getProperty(JobPropertyId.ON_DEMAND_MODE))
        .isEqualTo(new JobPropertyValue.Enable(false));
    assertThat(a2.owner()).isEqualTo(BOB);
    assertThat(a2.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(a2.times()).isEqualTo(timesA);
    assertThat(a2.errorCount()).isZero();
    assertThat(a2.files())
        .extracting(BackgroundCopyFile::remoteName, BackgroundCopyFile::localName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                fx.origin.url("/a1.bin"), fx.download("a1.bin").toString()),
            org.assertj.core.groups.Tuple.tuple(
                fx.origin.url("/a2.bin"), fx.download("a2.bin").toString()));
    assertThat(a2.files()).extracting(BackgroundCopyFile::temporaryName).isEqualTo(tempNamesA);
    assertThatThrownBy(() -> fx.alice().getJob(a.id()))
        .as("still invisible to other users")
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.BG_E_NOT_FOUND)).isTrue());

    BackgroundCopyJob b2 = fx.manager(BOB).getJob(b.id());
    assertThat(b2.state()).isEqualTo(JobState.ERROR);
    assertThat(b2.errorCount()).isEqualTo(2);
    assertThat(b2.owner()).isEqualTo(BOB);
    assertThat(b2.priority()).isEqualTo(JobPriority.FOREGROUND);
    assertThat(b2.proxySettings()).isEqualTo(new ProxySettings(ProxyUsage.NO_PROXY, null, null));
    assertThat(b2.getProperty(JobPropertyId.ON_DEMAND_MODE))
        .isEqualTo(new JobPropertyValue.Enable(true));
    assertThat(b2.notifyFlags()).isEqualTo(NotifyFlag.DEFAULT);
    assertThat(b2.times()).isEqualTo(timesB);
    BackgroundCopyError error = b2.error().orElseThrow();
    assertThat(error.context())
        .isEqualTo(ErrorContext.REMOTE_FILE)
        .isEqualTo(errorBefore.context());
    assertThat(error.code()).isEqualTo(HResult.httpError(404)).isEqualTo(errorBefore.code());
    assertThat(error.protocol()).hasValue("http");
    assertThat(error.file().orElseThrow().localName())
        .isEqualTo(fx.download("missing.bin").toString());
    assertThat(error.errorDescription(Locale.ENGLISH)).isEqualTo(descriptionBefore);

    BackgroundCopyJob c2 = fx.manager(BOB).getJob(c.id());
    assertThat(c2.files())
        .singleElement()
        .satisfies(f -> assertThat(f.fileRanges()).isEqualTo(ranges));

    assertThat(fx.manager(BOB).enumJobs())
        .as("in creation order")
        .extracting(BackgroundCopyJob::id)
        .containsExactly(a.id(), b.id(), c.id());

    // The restored headers are the ones sent when the job runs again.
    fx.origin.put("/missing.bin", Content.random(1000, 5));
    b2.resume();
    awaitState(b2, JobState.TRANSFERRED);
    List<RecordedRequest> requests = fx.origin.requests("/missing.bin");
    assertThat(requests.get(requests.size() - 1).header("X-Ferry-B")).hasValue("persisted");
    assertThat(b2.errorCount()).as("never reset").isEqualTo(2);
  }

  @Test
  void aTransferredJobIsStillTransferredAfterARestartAndCompletes() throws Exception {
    Content content = Content.random(300_000, 11);
    fx.origin.put("/t.bin", content);
    BackgroundCopyJob job = fx.alice().createJob("transferred");
    Path target = fx.download("t.bin");
    job.addFile(fx.origin.url("/t.bin"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    JobTimes times = job.times();
    assertThat(times.transferCompletionTime()).isPresent();
    int requests = fx.origin.requests("/t.bin").size();

    fx.restart();

    BackgroundCopyJob again = fx.alice().getJob(job.id());
    assertThat(again.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(again.times()).isEqualTo(times);
    assertThat(again.progress().bytesTransferred()).isEqualTo(300_000);
    assertThat(again.progress().filesTransferred()).isEqualTo(1);
    assertThat(Path.of(again.files().get(0).temporaryName())).exists();
    assertThat(again.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(fx.origin.requests("/t.bin")).as("nothing downloaded again").hasSize(requests);
  }

  @Test
  void aSuspendedHalfDoneJobKeepsItsProgressAcrossARestart() throws Exception {
    long size = 6L * MIB;
    Content content = Content.random(size, 12);
    fx.origin.put("/s.bin", content);
    fx.origin.fault("/s.bin", Fault.throttle(2L * MIB));
    BackgroundCopyJob job = fx.alice().createJob("suspended");
    Path target = fx.download("s.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/s.bin"), target.toString());
    job.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        // Past 3 MiB at 2 MiB/s: a periodic checkpoint in the last second saw at least a piece.
        .untilAsserted(
            () -> assertThat(file.progress().bytesTransferred()).isGreaterThan(7L * MIB / 2));
    job.suspend();
    long before = job.progress().bytesTransferred();
    assertThat(before).isLessThan(size);

    fx.restart();

    BackgroundCopyJob again = fx.alice().getJob(job.id());
    assertThat(again.state()).isEqualTo(JobState.SUSPENDED);
    long restored = again.progress().bytesTransferred();
    assertThat(again.progress().bytesTotal()).isEqualTo(size);
    assertThat(restored)
        .as("the checkpointed progress (see suspendCheckpointsWhatTheStoppedTransferHas)")
        .isPositive()
        .isLessThanOrEqualTo(before);
    int requestsBefore = fx.origin.requests("/s.bin").size();
    fx.origin.clearFaults("/s.bin");
    again.resume();
    awaitState(again, JobState.TRANSFERRED);
    List<RecordedRequest> requests = fx.origin.requests("/s.bin");
    assertThat(requests).hasSize(requestsBefore + 1);
    assertThat(requests.get(requestsBefore).range()).hasValue("bytes=" + restored + "-");
    assertThat(again.progress().bytesTransferred()).isEqualTo(size);
    assertThat(again.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void aJobThatWasTransferringAtCloseComesBackQueuedAndFinishes() throws Exception {
    // One background transfer at a time (the default): the older job X will take the slot after
    // the restart, so the interrupted job Y can be seen waiting in QUEUED.
    assertThat(EngineFixture.testConfig().maxBackgroundTransfers()).isEqualTo(1);
    fx.origin.put("/x.bin", Content.random(2 * MIB, 13));
    fx.origin.fault("/x.bin", Fault.throttle(64 * 1024));
    long size = 6L * MIB;
    Content content = Content.random(size, 14);
    fx.origin.put("/y.bin", content);
    fx.origin.fault("/y.bin", Fault.throttle(2L * MIB));
    BackgroundCopyJob x = fx.alice().createJob("x");
    x.addFile(fx.origin.url("/x.bin"), fx.download("x.bin").toString());
    BackgroundCopyJob y = fx.alice().createJob("y");
    Path target = fx.download("y.bin");
    y.addFile(fx.origin.url("/y.bin"), target.toString());
    y.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        .untilAsserted(() -> {
          assertThat(y.state()).isEqualTo(JobState.TRANSFERRING);
          // Past 3 MiB at 2 MiB/s: a periodic checkpoint in the last second saw at least a piece.
          assertThat(y.progress().bytesTransferred()).isGreaterThan(7L * MIB / 2);
        });
    x.resume();
    assertThat(x.state()).isEqualTo(JobState.QUEUED);
    assertThat(y.state()).isEqualTo(JobState.TRANSFERRING);

    fx.restart();

    BackgroundCopyJob x2 = fx.alice().getJob(x.id());
    BackgroundCopyJob y2 = fx.alice().getJob(y.id());
    awaitState(x2, JobState.TRANSFERRING);
    assertThat(y2.state())
        .as("the interrupted transfer is queued again")
        .isEqualTo(JobState.QUEUED);
    long restored = y2.progress().bytesTransferred();
    assertThat(restored).isGreaterThanOrEqualTo(MIB);
    int requestsBefore = fx.origin.requests("/y.bin").size();

    fx.origin.clearFaults("/y.bin");
    x2.suspend();
    awaitState(y2, JobState.TRANSFERRED);
    List<RecordedRequest> requests = fx.origin.requests("/y.bin");
    assertThat(requests).hasSize(requestsBefore + 1);
    assertThat(requests.get(requestsBefore).range()).hasValue("bytes=" + restored + "-");
    assertThat(y2.progress().bytesTransferred()).isEqualTo(size);
    assertThat(y2.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void suspendCheckpointsWhatTheStoppedTransferHas() throws Exception {
    // No periodic checkpoint will come: whatever survives is what stopping the transfer recorded.
    fx.restart(EngineFixture.testConfig().withCheckpointInterval(Duration.ofHours(1)));
    long size = 8L * MIB;
    Content content = Content.random(size, 16);
    fx.origin.put("/k.bin", content);
    fx.origin.fault("/k.bin", Fault.throttle(2L * MIB));
    BackgroundCopyJob job = fx.alice().createJob("suspend checkpoints");
    Path target = fx.download("k.bin");
    job.addFile(fx.origin.url("/k.bin"), target.toString());
    job.resume();
    awaitProgress(job, 2L * MIB + MIB / 2);

    job.suspend();
    long suspendedAt = job.progress().bytesTransferred();
    fx.restart();

    BackgroundCopyJob again = fx.alice().getJob(job.id());
    long restored = again.progress().bytesTransferred();
    assertThat(restored)
        .as(
            "Suspend stopped the transfer at %d bytes; all but the last partial piece is kept",
            suspendedAt)
        .isGreaterThan(suspendedAt - MIB);
    finishAndCheck(again, "/k.bin", restored, content, target);
  }

  @Test
  void closeCheckpointsEveryRunningTransfer() throws Exception {
    fx.restart(EngineFixture.testConfig().withCheckpointInterval(Duration.ofHours(1)));
    long size = 8L * MIB;
    Content content = Content.random(size, 17);
    fx.origin.put("/l.bin", content);
    fx.origin.fault("/l.bin", Fault.throttle(2L * MIB));
    BackgroundCopyJob job = fx.alice().createJob("close checkpoints");
    Path target = fx.download("l.bin");
    job.addFile(fx.origin.url("/l.bin"), target.toString());
    job.resume();
    awaitProgress(job, 2L * MIB + MIB / 2);
    assertThat(job.state()).isEqualTo(JobState.TRANSFERRING);

    long closedAt = job.progress().bytesTransferred();
    int requestsBefore = fx.origin.requests("/l.bin").size();
    fx.restart();

    // The job runs again at once; its first request shows what the engine restored.
    BackgroundCopyJob again = fx.alice().getJob(job.id());
    await()
        .atMost(EngineFixture.PATIENCE)
        .until(() -> fx.origin.requests("/l.bin").size() > requestsBefore);
    RecordedRequest resumed = fx.origin.requests("/l.bin").get(requestsBefore);
    assertThat(resumed.range())
        .as(
            "close() stopped the transfer at %d bytes or later; all but the last partial piece"
                + " is kept, so the next run asks for the rest only",
            closedAt)
        .hasValueSatisfying(range ->
            assertThat(Long.parseLong(range.substring(6, range.indexOf('-'))))
                .isGreaterThan(closedAt - MIB));

    again.suspend();
    fx.origin.clearFaults("/l.bin");
    again.resume();
    awaitState(again, JobState.TRANSFERRED);
    assertThat(again.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  /** Lets the job finish unthrottled from where it was restored, and checks the result. */
  private void finishAndCheck(
      BackgroundCopyJob job, String path, long restored, Content content, Path target) {
    int requestsBefore = fx.origin.requests(path).size();
    fx.origin.clearFaults(path);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(fx.origin.requests(path).get(requestsBefore).range())
        .hasValue("bytes=" + restored + "-");
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void aTemporaryFileDeletedWhileSuspendedMakesTheFileStartOverAfterARestart() throws Exception {
    long size = 4L * MIB;
    Content content = Content.random(size, 15);
    fx.origin.put("/d.bin", content);
    fx.origin.fault("/d.bin", Fault.throttle(2L * MIB));
    BackgroundCopyJob job = fx.alice().createJob("deleted temp");
    Path target = fx.download("d.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/d.bin"), target.toString());
    job.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        .untilAsserted(
            () -> assertThat(file.progress().bytesTransferred()).isGreaterThan(3L * MIB / 2));
    job.suspend();
    Path temp = Path.of(file.temporaryName());
    assertThat(temp).exists();
    Files.delete(temp);

    fx.restart();

    BackgroundCopyJob again = fx.alice().getJob(job.id());
    assertThat(again.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(again.progress().bytesTransferred())
        .as("the data is gone, so is the progress")
        .isZero();
    int requestsBefore = fx.origin.requests("/d.bin").size();
    fx.origin.clearFaults("/d.bin");
    again.resume();
    awaitState(again, JobState.TRANSFERRED);
    List<RecordedRequest> requests = fx.origin.requests("/d.bin");
    assertThat(requests).hasSize(requestsBefore + 1);
    assertThat(requests.get(requestsBefore).range()).as("from the first byte").isEmpty();
    assertThat(again.progress().bytesTransferred()).isEqualTo(size);
    assertThat(again.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
  }

  private static void awaitProgress(BackgroundCopyJob job, long bytes) {
    await("job " + job.displayName() + " to pass " + bytes + " bytes")
        .atMost(EngineFixture.PATIENCE)
        .untilAsserted(() -> assertThat(job.progress().bytesTransferred()).isGreaterThan(bytes));
  }

  @Test
  void theDataDirectoryIsPrivateToItsOwner() throws Exception {
    // Make sure the database has been written to (and has its WAL) before looking.
    fx.alice().createJob("something to store");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.dataDir)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(fx.dataDir.resolve("ferry.db"))))
        .isEqualTo("rw-------");
    for (String sidecar : List.of("ferry.db-wal", "ferry.db-shm")) {
      Path path = fx.dataDir.resolve(sidecar);
      if (Files.exists(path)) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
            .as(sidecar)
            .isEqualTo("rw-------");
      }
    }
  }

  @Test
  void aSecondEngineOnTheSameDataDirectoryIsRefused() {
    BackgroundCopyJob job = fx.alice().createJob("kept");
    assertThatThrownBy(() -> JobEngine.open(fx.dataDir, EngineFixture.testConfig()))
        .isInstanceOfSatisfying(
            FerryException.class,
            e -> {
              assertThat(e.is(HResult.E_ACCESSDENIED)).as(e.toString()).isTrue();
              assertThat(e.getMessage()).contains("in use");
            });
    // The engine that holds the directory is unaffected.
    assertThat(fx.alice().getJob(job.id()).displayName()).isEqualTo("kept");
    fx.alice().createJob("another");
    assertThat(fx.alice().enumJobs()).hasSize(2);
  }

  /**
   * A finished file is recorded without a flush. A restart in the same boot trusts it, since the
   * page cache outlived the engine; after a reboot whatever was not flushed may be gone (here, all
   * of it: no periodic checkpoint ran), and the job fetches it again.
   */
  @Test
  void aFileFinishedWithoutAFlushIsKeptInTheSameBootAndFetchedAgainAfterAReboot() throws Exception {
    byte[] body = new byte[3 * MIB + 123];
    new java.util.Random(5).nextBytes(body);
    fx.origin.put("/unflushed.bin", body);
    EngineConfig noPeriodicFlush =
        EngineFixture.testConfig().withCheckpointInterval(Duration.ofHours(1));
    fx.restart(noPeriodicFlush.withBootId("boot-1"));
    BackgroundCopyJob job = fx.manager(BOB).createJob("unflushed");
    job.addFile(fx.origin.url("/unflushed.bin"), fx.download("unflushed.bin").toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    Path temp = Path.of(job.files().get(0).temporaryName());

    fx.restart(noPeriodicFlush.withBootId("boot-1"));
    assertThat(fx.manager(BOB).getJob(job.id()).state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(fx.origin.bytesServed("/unflushed.bin")).isEqualTo(body.length);

    Files.write(temp, new byte[body.length]);
    fx.restart(noPeriodicFlush.withBootId("boot-2"));
    BackgroundCopyJob after = fx.manager(BOB).getJob(job.id());
    awaitState(after, JobState.TRANSFERRED);
    assertThat(fx.origin.bytesServed("/unflushed.bin")).isEqualTo(2L * body.length);
    assertThat(after.complete()).isEqualTo(HResult.S_OK);
    assertThat(Files.readAllBytes(fx.download("unflushed.bin"))).isEqualTo(body);
  }

  /** Where the boot cannot be told, a finished file is flushed first, and kept after a reboot. */
  @Test
  void withoutABootIdAFinishedFileIsFlushedAndKeptAfterAReboot() throws Exception {
    byte[] body = new byte[2 * MIB + 7];
    new java.util.Random(6).nextBytes(body);
    fx.origin.put("/flushed.bin", body);
    fx.restart(
        EngineFixture.testConfig().withCheckpointInterval(Duration.ofHours(1)).withBootId(null));
    BackgroundCopyJob job = fx.manager(BOB).createJob("flushed");
    job.addFile(fx.origin.url("/flushed.bin"), fx.download("flushed.bin").toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    fx.restart(EngineFixture.testConfig().withBootId("another-boot"));
    BackgroundCopyJob after = fx.manager(BOB).getJob(job.id());
    assertThat(after.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(after.complete()).isEqualTo(HResult.S_OK);
    assertThat(fx.origin.bytesServed("/flushed.bin")).isEqualTo(body.length);
    assertThat(Files.readAllBytes(fx.download("flushed.bin"))).isEqualTo(body);
  }
}
