package dev.ferry.client;

import static dev.ferry.client.TestSupport.PATIENCE;
import static dev.ferry.client.TestSupport.assertHResult;
import static dev.ferry.testkit.Jobs.awaitState;
import static dev.ferry.testkit.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.AuthTarget;
import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.CostFlags;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FileInfo;
import dev.ferry.api.FileProgress;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.JobType;
import dev.ferry.api.NotifyCmdLine;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract of the ferry-api interfaces, written against the interfaces only and run against
 * every implementation: the embedded engine and the client of a real ferryd process. Both must pass
 * the same tests, so the two cannot drift apart.
 *
 * <p>One manager (and, for the daemon, one process) serves the whole class; every test cancels the
 * jobs it leaves behind. Files are small so the suite stays fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ManagerContract {
  /** Longer than the default notification interval and the first callback retry. */
  private static final Duration QUIET = Duration.ofMillis(1200);

  protected Path dir;
  protected TestOrigin origin;
  protected BackgroundCopyManager manager;
  private Path downloads;
  private String testName;

  /** Opens the implementation under test over a fresh data directory. */
  protected abstract BackgroundCopyManager open(Path dataDir);

  /** Releases what {@link #open} started, after the manager is closed. */
  protected abstract void shutDown();

  @BeforeAll
  void startAll() {
    dir = TestFiles.shortTempDir("fd");
    origin = TestOrigin.start();
    manager = open(dir.resolve("data"));
  }

  @AfterAll
  void stopAll() {
    try {
      if (manager != null) {
        manager.close();
      }
      shutDown();
    } finally {
      if (origin != null) {
        origin.close();
      }
      TestFiles.deleteTree(dir);
    }
  }

  @BeforeEach
  void perTest(TestInfo info) throws IOException {
    testName = info.getTestMethod().orElseThrow().getName();
    downloads = Files.createDirectories(dir.resolve("dl").resolve(testName));
  }

  @AfterEach
  void cancelLeftovers() {
    for (BackgroundCopyJob job : manager.enumJobs()) {
      try {
        job.cancel();
      } catch (RuntimeException alreadyGone) {
        // Completed or cancelled meanwhile.
      }
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  String serve(String name, Content content) {
    String path = "/" + testName + "/" + name;
    origin.put(path, content);
    return origin.url(path);
  }

  private String missing(String name) {
    return origin.url("/" + testName + "/missing/" + name);
  }

  String local(String name) {
    return downloads.resolve(name).toString();
  }

  private BackgroundCopyJob jobWith(String name, Content content) {
    BackgroundCopyJob job = manager.createJob(testName);
    job.addFile(serve(name, content), local(name));
    return job;
  }

  // --- creating and finding jobs -----------------------------------------------------------------

  @Test
  void aNewJobIsSuspendedWithTheDocumentedDefaults() {
    Instant before = Instant.now().minusSeconds(1);
    BackgroundCopyJob job = manager.createJob("defaults");

    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(job.type()).isEqualTo(JobType.DOWNLOAD);
    assertThat(job.displayName()).isEqualTo("defaults");
    assertThat(job.description()).isEmpty();
    assertThat(job.priority()).isEqualTo(JobPriority.NORMAL);
    assertThat(job.notifyFlags()).isEqualTo(NotifyFlag.DEFAULT);
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(600));
    assertThat(job.noProgressTimeout()).isEqualTo(Duration.ofDays(14));
    assertThat(job.proxySettings()).isEqualTo(ProxySettings.PRECONFIG);
    assertThat(job.customHeaders()).isNull();
    assertThat(job.notifyCmdLine()).isEmpty();
    assertThat(job.notifyInterface()).isEmpty();
    assertThat(job.owner()).isEqualTo(manager.caller());
    assertThat(job.errorCount()).isZero();
    assertThat(job.error()).isEmpty();
    assertThat(job.files()).isEmpty();
    assertThat(job.progress().filesTotal()).isZero();
    assertThat(job.progress().bytesTransferred()).isZero();
    assertThat(job.times().creationTime()).isAfter(before);
    assertThat(job.times().modificationTime()).isAfterOrEqualTo(job.times().creationTime());
    assertThat(job.times().transferCompletionTime()).isEmpty();
  }

  @Test
  void jobsAreFoundByIdAndListed() {
    BackgroundCopyJob job = manager.createJob("findable");

    BackgroundCopyJob found = manager.getJob(job.id());
    assertThat(found.id()).isEqualTo(job.id());
    assertThat(found.displayName()).isEqualTo("findable");
    assertThat(manager.enumJobs()).extracting(BackgroundCopyJob::id).contains(job.id());

    found.setDescription("changed through another handle");
    assertThat(job.description()).as("reads are live").isEqualTo("changed through another handle");

    assertHResult(() -> manager.getJob(UUID.randomUUID()), HResult.BG_E_NOT_FOUND);
    assertHResult(() -> manager.getJob(null), HResult.E_INVALIDARG);
    if (manager.caller().isAdministrator()) {
      assertThat(manager.enumJobs(true)).extracting(BackgroundCopyJob::id).contains(job.id());
    } else {
      assertHResult(() -> manager.enumJobs(true), HResult.E_ACCESSDENIED);
    }
  }

  @Test
  void createJobRejectsBadArguments() {
    assertHResult(() -> manager.createJob(null), HResult.E_INVALIDARG);
    assertHResult(() -> manager.createJob("n".repeat(257)), HResult.E_INVALIDARG);
    assertHResult(() -> manager.createJob("upload", JobType.UPLOAD), HResult.E_NOTIMPL);
    assertHResult(() -> manager.createJob("no type", null), HResult.E_INVALIDARG);
  }

  // --- files
  // ---------------------------------------------------------------------------------------

  @Test
  void filesAreAddedInOrder() {
    BackgroundCopyJob job = manager.createJob("files");
    String url = serve("a.bin", Content.random(1000, 1));

    BackgroundCopyFile first = job.addFile(url, local("a.bin"));
    assertThat(first.remoteName()).isEqualTo(url);
    assertThat(first.localName()).isEqualTo(local("a.bin"));
    assertThat(first.temporaryName()).isNotEqualTo(local("a.bin")).startsWith(downloads.toString());
    assertThat(first.fileRanges()).isEmpty();
    assertThat(first.progress().completed()).isFalse();

    List<BackgroundCopyFile> set =
        job.addFileSet(
            List.of(
                new FileInfo(serve("b.bin", Content.random(10, 2)), local("b.bin")),
                new FileInfo(serve("c.bin", Content.random(10, 3)), local("c.bin"))));
    assertThat(set)
        .extracting(BackgroundCopyFile::localName)
        .containsExactly(local("b.bin"), local("c.bin"));
    assertThat(job.files())
        .extracting(BackgroundCopyFile::localName)
        .containsExactly(local("a.bin"), local("b.bin"), local("c.bin"));
    assertThat(job.progress().filesTotal()).isEqualTo(3);
  }

  @Test
  void setRemoteNameTakesEffectAtTheNextTransfer() {
    Content wanted = Content.random(2000, 25);
    BackgroundCopyJob job = jobWith("moved.bin", Content.random(1000, 26));
    BackgroundCopyFile file = job.files().get(0);
    String newUrl = serve("new-home.bin", wanted);

    file.setRemoteName(newUrl);
    assertThat(file.remoteName()).isEqualTo(newUrl);
    assertHResult(() -> file.setRemoteName("gopher://x/y"), HResult.E_INVALIDARG);
    assertHResult(() -> file.setRemoteName(null), HResult.E_INVALIDARG);

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(Path.of(local("moved.bin")))).isEqualTo(wanted.sha256());
  }

  @Test
  void badFilesAreRejectedAndAFileSetIsAllOrNothing() {
    BackgroundCopyJob job = manager.createJob("bad files");
    String url = serve("ok.bin", Content.random(10, 4));

    assertHResult(() -> job.addFile(url, "relative/path.bin"), HResult.E_INVALIDARG);
    assertHResult(
        () -> job.addFile(url, downloads.resolve("no-such-dir/x.bin").toString()),
        HResult.E_INVALIDARG);
    assertHResult(() -> job.addFile("ftp://example.org/x", local("x.bin")), HResult.E_INVALIDARG);
    assertHResult(() -> job.addFile("not a url", local("x.bin")), HResult.E_INVALIDARG);
    assertHResult(
        () ->
            job.addFileSet(
                List.of(new FileInfo(url, local("good.bin")), new FileInfo(url, "bad.bin"))),
        HResult.E_INVALIDARG);
    assertHResult(() -> job.addFileSet(null), HResult.E_INVALIDARG);
    assertHResult(() -> job.addFileSet(List.of()), HResult.E_INVALIDARG);

    assertThat(job.files()).isEmpty();
  }

  @Test
  void fileRangesAreKeptAndValidated() {
    BackgroundCopyJob job = manager.createJob("ranges");
    String url = serve("r.bin", Content.random(1000, 5));
    List<FileRange> ranges = List.of(new FileRange(500, 10), new FileRange(0, 100));

    BackgroundCopyFile file = job.addFileWithRanges(url, local("r.bin"), ranges);
    assertThat(file.fileRanges()).containsExactlyElementsOf(ranges);
    assertThat(job.files().get(0).fileRanges()).containsExactlyElementsOf(ranges);
    BackgroundCopyFile toEnd =
        job.addFileWithRanges(url, local("eof.bin"), List.of(new FileRange(900, FileRange.TO_EOF)));
    assertThat(toEnd.fileRanges()).containsExactly(new FileRange(900, FileRange.TO_EOF));

    assertHResult(
        () ->
            job.addFileWithRanges(
                url, local("o.bin"), List.of(new FileRange(0, 100), new FileRange(50, 100))),
        HResult.BG_E_OVERLAPPING_RANGES);
    assertHResult(
        () ->
            job.addFileWithRanges(
                url, local("v.bin"), List.of(new FileRange(Long.MAX_VALUE - 5, 100))),
        HResult.BG_E_INVALID_RANGE);
    assertHResult(
        () -> job.addFileWithRanges(url, local("e.bin"), List.of()), HResult.E_INVALIDARG);
    assertHResult(() -> job.addFileWithRanges(url, local("n.bin"), null), HResult.E_INVALIDARG);
    assertThat(job.files()).hasSize(2);
  }

  @Test
  void onlyTheRangesAreDownloadedBackToBack() throws IOException {
    Content content = Content.random(5000, 6);
    BackgroundCopyJob job = manager.createJob("ranged download");
    job.addFileWithRanges(
        serve("ranged.bin", content),
        local("ranged.bin"),
        List.of(new FileRange(4000, FileRange.TO_EOF), new FileRange(100, 50)));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.progress().bytesTransferred()).isEqualTo(1050);

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(content.slice(4000, 1000));
    expected.write(content.slice(100, 50));
    assertThat(Files.readAllBytes(Path.of(local("ranged.bin")))).isEqualTo(expected.toByteArray());
  }

  @Test
  void aRangeBeyondTheRemoteFileFailsTheJob() {
    BackgroundCopyJob job = manager.createJob("beyond");
    job.addFileWithRanges(
        serve("short.bin", Content.random(100, 7)),
        local("short.bin"),
        List.of(new FileRange(200, 10)));
    job.resume();
    awaitState(job, JobState.ERROR);
    assertThat(HResult.nameOf(job.error().orElseThrow().code()))
        .isEqualTo(HResult.BG_E_INVALID_RANGE.name());
  }

  // --- properties ------------------------------------------------------------------------------

  @Test
  void displayNameAndDescription() {
    BackgroundCopyJob job = manager.createJob("name");
    job.setDisplayName("renamed");
    job.setDescription("what it is for");
    assertThat(job.displayName()).isEqualTo("renamed");
    assertThat(job.description()).isEqualTo("what it is for");

    job.setDisplayName("y".repeat(256));
    job.setDescription("e".repeat(1024));
    assertHResult(() -> job.setDisplayName("y".repeat(257)), HResult.BG_E_STRING_TOO_LONG);
    assertHResult(() -> job.setDescription("e".repeat(1025)), HResult.BG_E_STRING_TOO_LONG);
    assertHResult(() -> job.setDisplayName(null), HResult.E_INVALIDARG);
    assertHResult(() -> job.setDescription(null), HResult.E_INVALIDARG);
    assertThat(job.displayName()).isEqualTo("y".repeat(256));
  }

  @Test
  void priorityAndNotifyFlags() {
    BackgroundCopyJob job = manager.createJob("priority");
    for (JobPriority priority : JobPriority.values()) {
      job.setPriority(priority);
      assertThat(job.priority()).isEqualTo(priority);
    }
    assertHResult(() -> job.setPriority(null), HResult.E_NOTIMPL);

    Set<NotifyFlag> flags = EnumSet.of(NotifyFlag.JOB_MODIFICATION, NotifyFlag.FILE_TRANSFERRED);
    job.setNotifyFlags(flags);
    assertThat(job.notifyFlags()).isEqualTo(flags);
    job.setNotifyFlags(Set.of());
    assertThat(job.notifyFlags()).isEmpty();
    assertHResult(() -> job.setNotifyFlags(null), HResult.E_INVALIDARG);
  }

  @Test
  void retryDelayHasAFloorOfFiveSecondsAndNoProgressTimeoutMayBeZero() {
    BackgroundCopyJob job = manager.createJob("timeouts");
    job.setMinimumRetryDelay(Duration.ofSeconds(1));
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(5));
    job.setMinimumRetryDelay(Duration.ofMillis(9500));
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(10));
    job.setMinimumRetryDelay(Duration.ofMinutes(2));
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofMinutes(2));
    assertHResult(() -> job.setMinimumRetryDelay(Duration.ofSeconds(-1)), HResult.E_INVALIDARG);
    assertHResult(() -> job.setMinimumRetryDelay(null), HResult.E_INVALIDARG);

    job.setNoProgressTimeout(Duration.ZERO);
    assertThat(job.noProgressTimeout()).isZero();
    job.setNoProgressTimeout(Duration.ofHours(1));
    assertThat(job.noProgressTimeout()).isEqualTo(Duration.ofHours(1));
    assertHResult(() -> job.setNoProgressTimeout(Duration.ofSeconds(-5)), HResult.E_INVALIDARG);
  }

  @Test
  void proxySettingsAreValidated() {
    BackgroundCopyJob job = manager.createJob("proxy");
    ProxySettings override =
        new ProxySettings(
            ProxyUsage.OVERRIDE, "http=proxy:3128 https://secure:8443", "<local> *.lan");
    job.setProxySettings(override);
    assertThat(job.proxySettings()).isEqualTo(override);
    job.setProxySettings(new ProxySettings(ProxyUsage.NO_PROXY, null, null));
    assertThat(job.proxySettings().usage()).isEqualTo(ProxyUsage.NO_PROXY);

    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.PRECONFIG, "proxy:3128", null)),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, null, null)),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, "p".repeat(4001), null)),
        HResult.BG_E_PROXY_LIST_TOO_LARGE);
    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, "p:1", "b".repeat(4001))),
        HResult.BG_E_PROXY_BYPASS_LIST_TOO_LARGE);
    assertHResult(() -> job.setProxySettings(null), HResult.E_INVALIDARG);
    assertThat(job.proxySettings().usage()).isEqualTo(ProxyUsage.NO_PROXY);
  }

  @Test
  void customHeadersAreSentWithEveryRequest() {
    BackgroundCopyJob job = jobWith("h.bin", Content.random(1000, 8));
    job.setCustomHeaders("X-Ferry-Test: one\r\nX-Other: two");
    assertThat(job.customHeaders()).isEqualTo("X-Ferry-Test: one\r\nX-Other: two");
    assertHResult(() -> job.setCustomHeaders("no colon here"), HResult.E_INVALIDARG);
    assertHResult(() -> job.setCustomHeaders("Range: bytes=0-1"), HResult.E_INVALIDARG);

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(origin.requests("/" + testName + "/h.bin"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("X-Ferry-Test")).contains("one"));

    job.setCustomHeaders(null);
    assertThat(job.customHeaders()).isNull();
  }

  @Test
  void notifyCommandLine() {
    BackgroundCopyJob job = manager.createJob("cmd");
    NotifyCmdLine commandLine = new NotifyCmdLine("/bin/true", "--job \"a b\"");
    job.setNotifyCmdLine(commandLine);
    assertThat(job.notifyCmdLine()).contains(commandLine);
    job.setNotifyCmdLine(null);
    assertThat(job.notifyCmdLine()).isEmpty();
  }

  @Test
  void job5PropertiesHaveDefaultsAndRoundTrip() {
    BackgroundCopyJob job = manager.createJob("properties");
    assertThat(job.getProperty(JobPropertyId.COST_FLAGS))
        .isEqualTo(new JobPropertyValue.Dword(CostFlags.TRANSFER_ALWAYS));
    assertThat(job.getProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS))
        .isEqualTo(new JobPropertyValue.Dword(500));
    assertThat(job.getProperty(JobPropertyId.DYNAMIC_CONTENT))
        .isEqualTo(new JobPropertyValue.Enable(false));
    assertThat(job.getProperty(JobPropertyId.HIGH_PERFORMANCE))
        .isEqualTo(new JobPropertyValue.Enable(false));
    assertThat(job.getProperty(JobPropertyId.ON_DEMAND_MODE))
        .isEqualTo(new JobPropertyValue.Enable(false));
    assertThat(job.getProperty(JobPropertyId.MAX_DOWNLOAD_SIZE))
        .isEqualTo(new JobPropertyValue.Uint64(0));
    assertThat(job.getProperty(JobPropertyId.MAX_TRANSFER_RATE))
        .isEqualTo(new JobPropertyValue.Uint64(0));
    job.setProperty(JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(8 << 20));
    assertThat(job.getProperty(JobPropertyId.MAX_TRANSFER_RATE))
        .isEqualTo(new JobPropertyValue.Uint64(8 << 20));
    assertHResult(
        () -> job.setProperty(JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(-1)),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.setProperty(JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Dword(5)),
        HResult.E_INVALIDARG);
    assertThat(job.getProperty(JobPropertyId.NOTIFICATION_CLSID))
        .isEqualTo(new JobPropertyValue.ClsId(new UUID(0, 0)));
    assertHResult(() -> job.getProperty(JobPropertyId.USE_STORED_CREDENTIALS), HResult.E_NOT_SET);

    UUID clsid = UUID.randomUUID();
    job.setProperty(JobPropertyId.NOTIFICATION_CLSID, new JobPropertyValue.ClsId(clsid));
    job.setProperty(
        JobPropertyId.COST_FLAGS, new JobPropertyValue.Dword(CostFlags.TRANSFER_UNRESTRICTED));
    job.setProperty(
        JobPropertyId.USE_STORED_CREDENTIALS, new JobPropertyValue.Target(AuthTarget.PROXY));
    job.setProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS, new JobPropertyValue.Dword(-1));
    assertThat(job.getProperty(JobPropertyId.NOTIFICATION_CLSID))
        .isEqualTo(new JobPropertyValue.ClsId(clsid));
    assertThat(job.getProperty(JobPropertyId.COST_FLAGS))
        .isEqualTo(new JobPropertyValue.Dword(CostFlags.TRANSFER_UNRESTRICTED));
    assertThat(job.getProperty(JobPropertyId.USE_STORED_CREDENTIALS))
        .isEqualTo(new JobPropertyValue.Target(AuthTarget.PROXY));
    assertThat(job.getProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS))
        .as("unsigned 32 bits travel intact")
        .isEqualTo(new JobPropertyValue.Dword(-1));

    assertHResult(
        () -> job.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(-2L)),
        HResult.BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE);
    assertHResult(
        () -> job.setProperty(JobPropertyId.COST_FLAGS, new JobPropertyValue.Enable(true)),
        HResult.E_INVALIDARG);
    assertHResult(
        () ->
            job.setProperty(
                JobPropertyId.USE_STORED_CREDENTIALS,
                new JobPropertyValue.Target(AuthTarget.SERVER)),
        HResult.BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED);
    assertHResult(() -> job.getProperty(null), HResult.BG_E_UNKNOWN_PROPERTY_ID);
    assertHResult(
        () -> job.setProperty(null, new JobPropertyValue.Enable(true)),
        HResult.BG_E_UNKNOWN_PROPERTY_ID);
    assertHResult(() -> job.setProperty(JobPropertyId.COST_FLAGS, null), HResult.E_INVALIDARG);
  }

  @Test
  void somePropertiesAreReadOnlyAfterAddFileOrResume() {
    BackgroundCopyJob job = manager.createJob("read-only");
    job.setProperty(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(false));
    job.addFile(serve("p.bin", Content.random(100, 9)), local("p.bin"));
    assertHResult(
        () -> job.setProperty(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(true)),
        HResult.BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE);
    job.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(1 << 20));

    job.resume();
    job.suspend();
    assertHResult(
        () -> job.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(5)),
        HResult.BG_E_READ_ONLY_PROPERTY_AFTER_RESUME);
    assertHResult(
        () -> job.setProperty(JobPropertyId.DYNAMIC_CONTENT, new JobPropertyValue.Enable(true)),
        HResult.BG_E_READ_ONLY_PROPERTY_AFTER_RESUME);
    assertThat(job.getProperty(JobPropertyId.MAX_DOWNLOAD_SIZE))
        .isEqualTo(new JobPropertyValue.Uint64(1 << 20));
    job.setProperty(
        JobPropertyId.COST_FLAGS, new JobPropertyValue.Dword(CostFlags.TRANSFER_ALWAYS));
  }

  @Test
  void takeOwnershipByAnAdministratorStripsCustomHeaders() {
    BackgroundCopyJob job = manager.createJob("ownership");
    job.setCustomHeaders("X-Secret: 1");
    if (manager.caller().isAdministrator()) {
      job.takeOwnership();
      assertThat(job.owner()).isEqualTo(manager.caller());
      assertThat(job.customHeaders()).isNull();
    } else {
      assertHResult(job::takeOwnership, HResult.E_ACCESSDENIED);
    }
  }

  // --- life cycle ------------------------------------------------------------------------------

  @Test
  void aDownloadIsTransferredThenCompletedIntoPlace() throws IOException {
    Content content = Content.random(200_000, 10);
    BackgroundCopyJob job = jobWith("whole.bin", content);
    BackgroundCopyFile file = job.files().get(0);
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS)).isEmpty();

    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    assertThat(job.progress().bytesTotal()).isEqualTo(200_000);
    assertThat(job.progress().bytesTransferred()).isEqualTo(200_000);
    assertThat(job.progress().filesTransferred()).isEqualTo(1);
    assertThat(file.progress()).isEqualTo(new FileProgress(200_000, 200_000, false));
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS))
        .startsWith("HTTP/1.1 200")
        .contains("ETag");
    assertHResult(
        () -> file.setProperty(FilePropertyId.HTTP_RESPONSE_HEADERS, "x"),
        HResult.BG_E_READ_ONLY_PROPERTY);
    assertThat(job.times().transferCompletionTime()).isPresent();
    assertThat(Files.exists(Path.of(local("whole.bin")))).as("invisible until Complete").isFalse();
    assertThat(Files.exists(Path.of(file.temporaryName()))).isTrue();

    assertThat(job.complete()).isEqualTo(HResult.S_OK);

    assertThat(sha256(Path.of(local("whole.bin")))).isEqualTo(content.sha256());
    assertThat(Files.exists(Path.of(file.temporaryName()))).isFalse();
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(file.progress().completed()).isTrue();
    assertThat(job.displayName()).as("a final job still reads").isEqualTo(testName);
    assertThat(manager.enumJobs()).extracting(BackgroundCopyJob::id).doesNotContain(job.id());
    assertHResult(() -> manager.getJob(job.id()), HResult.BG_E_NOT_FOUND);
  }

  @Test
  void aFinalJobRejectsEveryChange() {
    BackgroundCopyJob job = jobWith("final.bin", Content.random(100, 11));
    assertThat(job.cancel()).isEqualTo(HResult.S_OK);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);

    assertHResult(job::resume, HResult.BG_E_INVALID_STATE);
    assertHResult(job::suspend, HResult.BG_E_INVALID_STATE);
    assertHResult(job::complete, HResult.BG_E_INVALID_STATE);
    assertHResult(job::cancel, HResult.BG_E_INVALID_STATE);
    assertHResult(() -> job.setDescription("late"), HResult.BG_E_INVALID_STATE);
    assertHResult(
        () -> job.addFile(serve("late.bin", Content.random(10, 12)), local("late.bin")),
        HResult.BG_E_INVALID_STATE);
    assertHResult(
        () -> job.setNotifyInterface(new BackgroundCopyCallback() {}), HResult.BG_E_INVALID_STATE);
  }

  @Test
  void cancelStopsTheTransferAndDeletesTheTemporaryFile() {
    BackgroundCopyJob job = jobWith("slow.bin", Content.random(400_000, 13));
    origin.fault("/" + testName + "/slow.bin", Fault.throttle(100_000));
    String temporary = job.files().get(0).temporaryName();
    job.resume();
    await()
        .atMost(PATIENCE)
        .until(() -> job.progress().bytesTransferred() > 0 && Files.exists(Path.of(temporary)));

    assertThat(job.cancel()).isEqualTo(HResult.S_OK);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(Files.exists(Path.of(temporary))).isFalse();
    assertThat(Files.exists(Path.of(local("slow.bin")))).isFalse();
  }

  @Test
  void suspendStopsAndResumeContinues() {
    Content content = Content.random(300_000, 14);
    BackgroundCopyJob job = jobWith("pausing.bin", content);
    origin.fault("/" + testName + "/pausing.bin", Fault.throttle(150_000));
    job.resume();
    awaitState(job, JobState.TRANSFERRING);

    job.suspend();
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    long stopped = job.progress().bytesTransferred();
    assertThat(stopped).isLessThan(300_000);

    origin.clearFaults("/" + testName + "/pausing.bin");
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(Path.of(local("pausing.bin")))).isEqualTo(content.sha256());
  }

  @Test
  void resumeNeedsAFile() {
    BackgroundCopyJob job = manager.createJob("empty");
    assertHResult(job::resume, HResult.BG_E_EMPTY);
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
  }

  @Test
  void completingAJobWithNothingTransferredIsPartial() {
    BackgroundCopyJob job = jobWith("never.bin", Content.random(100, 15));
    assertThat(job.complete()).isEqualTo(HResult.BG_S_PARTIAL_COMPLETE);
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(Files.exists(Path.of(local("never.bin")))).isFalse();
  }

  // --- errors ----------------------------------------------------------------------------------

  @Test
  void a404IsAFatalErrorWithItsContextFileAndDescriptions() {
    BackgroundCopyJob job = manager.createJob("not found");
    String url = missing("gone.bin");
    job.addFile(url, local("gone.bin"));
    job.resume();
    awaitState(job, JobState.ERROR);

    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(error.code()).isEqualTo(0x80190194).isEqualTo(HResult.httpError(404));
    assertThat(error.file().map(BackgroundCopyFile::remoteName)).contains(url);
    assertThat(error.file().map(BackgroundCopyFile::localName)).contains(local("gone.bin"));
    assertThat(error.protocol()).contains("http");
    assertThat(error.errorDescription(Locale.ENGLISH)).contains("404");
    assertThat(error.contextDescription(Locale.ENGLISH))
        .isEqualTo(ErrorContext.REMOTE_FILE.description());
    assertHResult(
        () -> error.errorDescription(Locale.GERMAN), HResult.ERROR_RESOURCE_LANG_NOT_FOUND);
    assertHResult(
        () -> error.contextDescription(Locale.JAPANESE), HResult.ERROR_RESOURCE_LANG_NOT_FOUND);
    assertThat(job.errorCount()).isEqualTo(1);

    // Fix the cause and resume: the error goes, the count stays.
    origin.put("/" + testName + "/missing/gone.bin", Content.random(100, 16));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.error()).isEmpty();
    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(error.code()).as("an error object is a snapshot").isEqualTo(HResult.httpError(404));
  }

  @Test
  void a503IsATransientError() {
    BackgroundCopyJob job = jobWith("busy.bin", Content.random(100, 17));
    origin.fault("/" + testName + "/busy.bin", Fault.status(503));
    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);

    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(error.code()).isEqualTo(HResult.httpError(503));
    assertThat(error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(job.errorCount()).isEqualTo(1);
  }

  @Test
  void errorDescriptionsAreEnglishOnly() {
    assertThat(manager.getErrorDescription(HResult.BG_E_NOT_FOUND.value(), Locale.ENGLISH))
        .isEqualTo(HResult.BG_E_NOT_FOUND.message());
    assertThat(manager.getErrorDescription(HResult.httpError(404), Locale.US)).contains("404");
    assertThat(manager.getErrorDescription(HResult.E_INVALIDARG.value(), Locale.ROOT))
        .isEqualTo(HResult.E_INVALIDARG.message());
    assertHResult(
        () -> manager.getErrorDescription(HResult.BG_E_NOT_FOUND.value(), Locale.FRENCH),
        HResult.ERROR_RESOURCE_LANG_NOT_FOUND);
  }

  // --- callbacks -------------------------------------------------------------------------------

  /** Records every call, in order, with the state the job had during the call. */
  private static final class Recorder implements BackgroundCopyCallback {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger modifications = new AtomicInteger();
    volatile BackgroundCopyError error;

    @Override
    public void jobTransferred(BackgroundCopyJob job) {
      events.add("transferred " + job.state());
    }

    @Override
    public void jobError(BackgroundCopyJob job, BackgroundCopyError error) {
      this.error = error;
      events.add("error " + job.state());
    }

    @Override
    public void jobModification(BackgroundCopyJob job) {
      modifications.incrementAndGet();
    }

    @Override
    public void fileTransferred(BackgroundCopyJob job, BackgroundCopyFile file) {
      events.add("file " + Path.of(file.localName()).getFileName());
    }
  }

  @Test
  void jobTransferredArrivesAndTheCallbackMayComplete() {
    Content content = Content.random(100_000, 18);
    BackgroundCopyJob job = jobWith("cb.bin", content);
    List<String> seen = new CopyOnWriteArrayList<>();
    job.setNotifyInterface(
        new BackgroundCopyCallback() {
          @Override
          public void jobTransferred(BackgroundCopyJob j) {
            seen.add(j.id() + " " + j.state());
            seen.add("complete " + j.complete());
          }
        });
    assertThat(job.notifyInterface()).isPresent();
    job.resume();

    await().atMost(PATIENCE).until(() -> seen.size() == 2);
    assertThat(seen).containsExactly(job.id() + " TRANSFERRED", "complete S_OK");
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(sha256(Path.of(local("cb.bin")))).isEqualTo(content.sha256());
  }

  @Test
  void jobErrorArrivesWithTheError() {
    BackgroundCopyJob job = manager.createJob("error callback");
    job.addFile(missing("nothing.bin"), local("nothing.bin"));
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    job.resume();

    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("error ERROR");
    assertThat(recorder.error.code()).isEqualTo(HResult.httpError(404));
    assertThat(recorder.error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(recorder.error.file().map(BackgroundCopyFile::localName))
        .contains(local("nothing.bin"));
  }

  @Test
  void aJobTransferredCallbackThatThrowsIsCalledAgainUntilItReturns() {
    BackgroundCopyJob job = jobWith("retry.bin", Content.random(10_000, 19));
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
    await("no call after one returned normally")
        .during(QUIET)
        .atMost(QUIET.multipliedBy(3))
        .until(() -> calls.get() == 3);
    assertThat(job.state()).isEqualTo(JobState.TRANSFERRED);
  }

  @Test
  void registeringOnATransferredJobNotifiesAtOnce() {
    BackgroundCopyJob job = jobWith("late.bin", Content.random(10_000, 20));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("transferred TRANSFERRED");
    assertThat(job.notifyInterface()).containsSame(recorder);

    job.setNotifyInterface(null);
    assertThat(job.notifyInterface()).isEmpty();
  }

  @Test
  void registeringOnAFailedJobNotifiesAtOnce() {
    BackgroundCopyJob job = manager.createJob("failed before registration");
    job.addFile(missing("late-error.bin"), local("late-error.bin"));
    job.resume();
    awaitState(job, JobState.ERROR);

    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("error ERROR");
    assertThat(recorder.error.code()).isEqualTo(HResult.httpError(404));
  }

  @Test
  void fileTransferredAndModificationsArriveWhenAskedFor() {
    BackgroundCopyJob job = manager.createJob("flags");
    job.addFileSet(
        List.of(
            new FileInfo(serve("one.bin", Content.random(50_000, 21)), local("one.bin")),
            new FileInfo(serve("two.bin", Content.random(50_000, 22)), local("two.bin"))));
    job.setNotifyFlags(
        EnumSet.of(
            NotifyFlag.JOB_TRANSFERRED, NotifyFlag.FILE_TRANSFERRED, NotifyFlag.JOB_MODIFICATION));
    Recorder recorder = new Recorder();
    job.setNotifyInterface(recorder);
    job.resume();

    await().atMost(PATIENCE).until(() -> recorder.events.contains("transferred TRANSFERRED"));
    assertThat(recorder.events)
        .containsExactly("file one.bin", "file two.bin", "transferred TRANSFERRED");
    assertThat(recorder.modifications.get()).isPositive();
  }

  @Test
  void modificationsAreSpacedByTheMinimumNotificationInterval() {
    BackgroundCopyJob job = jobWith("spaced.bin", Content.random(300_000, 27));
    origin.fault("/" + testName + "/spaced.bin", Fault.throttle(150_000));
    job.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_MODIFICATION));
    job.setProperty(
        JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS, new JobPropertyValue.Dword(700));
    List<Long> at = new CopyOnWriteArrayList<>();
    List<String> transferred = new CopyOnWriteArrayList<>();
    job.setNotifyInterface(
        new BackgroundCopyCallback() {
          @Override
          public void jobModification(BackgroundCopyJob j) {
            at.add(System.nanoTime());
          }

          @Override
          public void jobTransferred(BackgroundCopyJob j) {
            transferred.add("transferred");
          }
        });
    job.resume();

    await().atMost(PATIENCE).until(() -> !transferred.isEmpty());
    assertThat(at).as("progress over about two seconds was reported").hasSizeGreaterThan(1);
    for (int i = 1; i < at.size(); i++) {
      assertThat(Duration.ofNanos(at.get(i) - at.get(i - 1)))
          .as("gap before modification %d", i)
          .isGreaterThanOrEqualTo(Duration.ofMillis(650));
    }
  }

  @Test
  void disableSuppressesEveryNotification() {
    BackgroundCopyJob ok = jobWith("quiet.bin", Content.random(50_000, 23));
    BackgroundCopyJob failing = manager.createJob("quiet failure");
    failing.addFile(missing("quiet.bin"), local("quiet-missing.bin"));
    Recorder recorder = new Recorder();
    for (BackgroundCopyJob job : List.of(ok, failing)) {
      job.setNotifyFlags(EnumSet.allOf(NotifyFlag.class));
      job.setNotifyInterface(recorder);
      job.setDescription("changed while disabled");
      job.resume();
    }
    awaitState(ok, JobState.TRANSFERRED);
    awaitState(failing, JobState.ERROR);
    await("no call at all while DISABLE is set")
        .during(QUIET)
        .atMost(QUIET.multipliedBy(3))
        .until(() -> recorder.events.isEmpty() && recorder.modifications.get() == 0);

    // The callback works: without DISABLE, registering again delivers what applies.
    ok.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_TRANSFERRED));
    ok.setNotifyInterface(recorder);
    await().atMost(PATIENCE).until(() -> !recorder.events.isEmpty());
    assertThat(recorder.events).containsExactly("transferred TRANSFERRED");
  }

  @Test
  void theLastRegisteredCallbackWins() {
    BackgroundCopyJob job = jobWith("twice.bin", Content.random(10_000, 24));
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    job.setNotifyInterface(first);
    job.setNotifyInterface(second);
    assertThat(job.notifyInterface()).containsSame(second);
    job.resume();

    await().atMost(PATIENCE).until(() -> !second.events.isEmpty());
    assertThat(second.events).containsExactly("transferred TRANSFERRED");
    assertThat(first.events).isEmpty();
  }
}
