package dev.ferry.client;

import static dev.ferry.client.TestSupport.PATIENCE;
import static dev.ferry.client.TestSupport.assertHResult;
import static dev.ferry.testkit.Jobs.awaitState;
import static dev.ferry.testkit.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.HResult;
import dev.ferry.api.delivery.CostPolicy;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadRange;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;
import dev.ferry.api.delivery.DownloadStatusCallback;
import dev.ferry.api.delivery.PropertyAccess;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract of IDOManager / IDODownload ({@link DeliveryManager}, {@link Download}): every
 * property's access rules and every transition of DODownloadState ({@code
 * docs/bits-semantics.md#download-properties}, {@code #download-transitions}), written against the
 * interfaces only and run against the embedded engine and against a real ferryd through {@link
 * FerryClient}. A throttled origin holds downloads in TRANSFERRING long enough to act on them
 * there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DownloadContract {
  /** Slow enough that a 2 MiB file stays TRANSFERRING for seconds. */
  static final long SLOW = 128 * 1024;

  static final int SIZE = 2 << 20;

  protected Path dir;
  protected TestOrigin origin;
  protected DeliveryManager delivery;
  protected Path downloads;
  private final Content content = Content.random(SIZE, 77);
  private final List<Download> created = new CopyOnWriteArrayList<>();

  /** Opens the implementation under test over a fresh data directory. */
  protected abstract DeliveryManager open(Path dataDir);

  /** Releases what {@link #open} started. */
  protected abstract void shutDown();

  @BeforeAll
  void startAll() {
    dir = TestFiles.shortTempDir("fd");
    origin = TestOrigin.start();
    delivery = open(dir.resolve("data"));
  }

  @AfterAll
  void stopAll() {
    try {
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
    String name = info.getTestMethod().orElseThrow().getName();
    downloads = Files.createDirectories(dir.resolve("dl").resolve(name));
    origin.put("/" + name + ".bin", content);
  }

  @AfterEach
  void abortLeftovers() {
    for (Download download : created) {
      try {
        download.abort();
      } catch (RuntimeException finalAlready) {
        // Finalized or aborted by the test.
      }
    }
    created.clear();
  }

  // --- helpers ---------------------------------------------------------------------------------

  private String path(TestInfo info) {
    return "/" + info.getTestMethod().orElseThrow().getName() + ".bin";
  }

  /** A new download of the test's file, in CREATED. */
  Download download(TestInfo info) {
    Download download = delivery.createDownload();
    created.add(download);
    download.setProperty(DownloadProperty.URI, origin.url(path(info)));
    download.setProperty(DownloadProperty.LOCAL_PATH, downloads.resolve("file.bin").toString());
    return download;
  }

  Download transferring(TestInfo info) {
    origin.fault(path(info), Fault.throttle(SLOW));
    Download download = download(info);
    download.start();
    awaitState(download, DownloadState.TRANSFERRING);
    return download;
  }

  Download paused(TestInfo info) {
    Download download = transferring(info);
    download.pause();
    assertThat(download.status().state()).isEqualTo(DownloadState.PAUSED);
    return download;
  }

  Download transferred(TestInfo info) {
    Download download = download(info);
    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
    return download;
  }

  Download finalized(TestInfo info) {
    Download download = transferred(info);
    download.finalizeDownload();
    return download;
  }

  Download aborted(TestInfo info) {
    Download download = download(info);
    download.abort();
    return download;
  }

  /** Calls that must leave the state as it is. */
  static void noOp(Download download, Runnable call) {
    DownloadState before = download.status().state();
    call.run();
    assertThat(download.status().state()).isEqualTo(before);
  }

  /** A valid value for each writable property, as a caller would pass it. */
  Object validValue(DownloadProperty property) {
    return switch (property) {
      case URI -> origin.url("/other.bin");
      case LOCAL_PATH -> downloads.resolve("other.bin").toString();
      case NO_PROGRESS_TIMEOUT_SECONDS -> 120;
      case HTTP_CUSTOM_HEADERS, HTTP_CUSTOM_AUTH_HEADERS -> "X-Ferry-Test: 1";
      case DECRYPTION_INFO ->
          "{\"AlgorithmName\":\"AES\",\"ChainingMode\":\"CTR\",\"KeyData\":\""
              + java.util.Base64.getEncoder().encodeToString(new byte[32])
              + "\"}";
      case INTEGRITY_CHECK_INFO -> "{\"PiecesHashFileUrl\":\"file.phf\"}";
      // Only its form is checked when it is set; the part that shares with peers reads it.
      case CONTENT_DESCRIPTION ->
          java.util.Base64.getEncoder().encodeToString("d1:ai1ee".getBytes());
      case PEERS -> "127.0.0.1:7680";
      case DOWNLOAD_MODE -> 1;
      case GROUP_ID -> "6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70";
      case TRACKERS -> "http://127.0.0.1:6969/announce";
      case CALLBACK_INTERFACE -> (DownloadStatusCallback) (d, s) -> {};
      case STREAM_INTERFACE -> (dev.ferry.api.delivery.DownloadSink) (o, b) -> {};
      default ->
          switch (property.type()) {
            case STRING -> "value";
            case UINT32, INT32 -> 5;
            case UINT64 -> 10L;
            case BOOLEAN -> true;
            case COST_POLICY -> CostPolicy.NO_ROAMING;
            case BYTES -> new byte[] {1, 2, 3};
            case CALLBACK, SINK -> throw new IllegalStateException(property.toString());
          };
    };
  }

  /** A value of the wrong Java type for each property type. */
  static Object wrongValue(DownloadProperty property) {
    return switch (property.type()) {
      case STRING -> 42;
      case UINT32, UINT64, INT32 -> "7";
      case BOOLEAN -> "true";
      case COST_POLICY -> Boolean.TRUE;
      case CALLBACK -> "a callback";
      case SINK -> "a sink";
      case BYTES -> 42;
    };
  }

  /**
   * The properties a fresh download cannot read yet (E_NOT_SET): readable, without a documented
   * default, and not given by every download (Id) or by its priority (CostPolicy,
   * NoProgressTimeoutSeconds).
   */
  static Set<DownloadProperty> neverSet() {
    Set<DownloadProperty> never = EnumSet.noneOf(DownloadProperty.class);
    for (DownloadProperty property : DownloadProperty.values()) {
      if (property.access().readable() && property.defaultValue() == null) {
        never.add(property);
      }
    }
    never.removeAll(
        Set.of(
            DownloadProperty.ID,
            DownloadProperty.COST_POLICY,
            DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS));
    return never;
  }

  static List<DownloadProperty> withAccess(PropertyAccess... access) {
    Set<PropertyAccess> wanted = Set.of(access);
    return Arrays.stream(DownloadProperty.values())
        .filter(p -> wanted.contains(p.access()))
        .toList();
  }

  // --- properties ------------------------------------------------------------------------------

  @Test
  void readOnlyPropertiesRefuseEverySet(TestInfo info) {
    Download download = download(info);
    for (DownloadProperty property : withAccess(PropertyAccess.READ_ONLY)) {
      Object value = property.type() == dev.ferry.api.delivery.PropertyType.STRING ? "x" : 200;
      assertHResult(() -> download.setProperty(property, value), HResult.DO_E_READ_ONLY_PROPERTY);
    }
    assertThat(download.getProperty(DownloadProperty.ID)).isEqualTo(download.id());
  }

  @Test
  void writeOnlyPropertiesCannotBeReadEvenOnceSet(TestInfo info) {
    Download download = download(info);
    for (DownloadProperty property : withAccess(PropertyAccess.WRITE_ONLY)) {
      assertHResult(() -> download.getProperty(property), HResult.DO_E_WRITE_ONLY_PROPERTY);
    }
    download.setProperty(DownloadProperty.SECURITY_FLAGS, 0x100);
    download.setProperty(DownloadProperty.NETWORK_TOKEN, true);
    download.setProperty(DownloadProperty.SECURITY_CONTEXT, new byte[] {1, 2});
    for (DownloadProperty property : withAccess(PropertyAccess.WRITE_ONLY)) {
      assertHResult(() -> download.getProperty(property), HResult.DO_E_WRITE_ONLY_PROPERTY);
    }
  }

  @Test
  void propertiesNeverSetAreNotSet() {
    Download download = delivery.createDownload();
    created.add(download);
    for (DownloadProperty property : neverSet()) {
      assertHResult(() -> download.getProperty(property), HResult.E_NOT_SET);
    }
  }

  @Test
  void propertiesWithDefaultsReadThemBeforeAnySet() {
    Download download = delivery.createDownload();
    created.add(download);
    for (DownloadProperty property : DownloadProperty.values()) {
      if (property.access().readable() && property.defaultValue() != null) {
        assertThat(download.getProperty(property))
            .as(property.toString())
            .isEqualTo(property.defaultValue());
      }
    }
    assertThat(download.getProperty(DownloadProperty.ID)).isEqualTo(download.id());
    // Background by default: DO's background defaults.
    assertThat(download.getProperty(DownloadProperty.COST_POLICY)).isEqualTo(CostPolicy.STANDARD);
    assertThat(download.getProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS))
        .isEqualTo(86_400);
  }

  @Test
  void everyWritablePropertyReadsBackWhatWasSet() {
    Download download = delivery.createDownload();
    created.add(download);
    for (DownloadProperty property : withAccess(PropertyAccess.READ_WRITE)) {
      if (property.type() == dev.ferry.api.delivery.PropertyType.SINK
          || property.type() == dev.ferry.api.delivery.PropertyType.CALLBACK) {
        continue; // objects of this process: see callbackInterfaceIsCalled and the subclasses
      }
      Object value = validValue(property);
      download.setProperty(property, value);
      Object read = download.getProperty(property);
      assertThat(read).as(property.toString()).isEqualTo(value);
    }
  }

  @Test
  void valuesOfTheWrongTypeAreInvalid() {
    Download download = delivery.createDownload();
    created.add(download);
    for (DownloadProperty property :
        withAccess(PropertyAccess.READ_WRITE, PropertyAccess.WRITE_ONLY)) {
      assertHResult(
          () -> download.setProperty(property, wrongValue(property)), HResult.E_INVALIDARG);
    }
    assertHResult(
        () -> download.setProperty(DownloadProperty.CALLBACK_FREQ_SECONDS, -1),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> download.setProperty(DownloadProperty.TOTAL_SIZE_BYTES, 1.5), HResult.E_INVALIDARG);
  }

  @Test
  void theNoProgressTimeoutIsAtLeastAMinute() {
    Download download = delivery.createDownload();
    created.add(download);
    assertHResult(
        () -> download.setProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS, 59),
        HResult.E_INVALIDARG);
    download.setProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS, 60);
    assertThat(download.getProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS)).isEqualTo(60);
  }

  @Test
  void theUriChangesOnlyWhileCreatedOrPaused(TestInfo info) {
    Download download = transferring(info);
    String other = origin.url("/other.bin");
    assertHResult(
        () -> download.setProperty(DownloadProperty.URI, other), HResult.DO_E_INVALID_STATE);
    download.pause();
    download.setProperty(DownloadProperty.URI, origin.url(path(info)));
    assertThat(download.getProperty(DownloadProperty.URI)).isEqualTo(origin.url(path(info)));
    origin.clearFaults(path(info));
    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
    assertHResult(
        () -> download.setProperty(DownloadProperty.URI, other), HResult.DO_E_INVALID_STATE);
  }

  @Test
  void theLocalPathChangesOnlyWhileCreated(TestInfo info) {
    Download download = download(info);
    Path moved = downloads.resolve("moved.bin");
    download.setProperty(DownloadProperty.LOCAL_PATH, moved.toString());
    assertThat(download.getProperty(DownloadProperty.LOCAL_PATH)).isEqualTo(moved.toString());
    origin.fault(path(info), Fault.throttle(SLOW));
    download.start();
    assertHResult(
        () -> download.setProperty(DownloadProperty.LOCAL_PATH, downloads.resolve("x").toString()),
        HResult.DO_E_INVALID_STATE);
    download.pause();
    assertHResult(
        () -> download.setProperty(DownloadProperty.LOCAL_PATH, downloads.resolve("x").toString()),
        HResult.DO_E_INVALID_STATE);
  }

  @Test
  void nothingChangesOnceFinalized(TestInfo info) {
    assertNoSetSucceeds(finalized(info));
  }

  @Test
  void nothingChangesOnceAborted(TestInfo info) {
    assertNoSetSucceeds(aborted(info));
  }

  private void assertNoSetSucceeds(Download download) {
    for (DownloadProperty property :
        withAccess(PropertyAccess.READ_WRITE, PropertyAccess.WRITE_ONLY)) {
      assertHResult(
          () -> download.setProperty(property, validValue(property)), HResult.DO_E_INVALID_STATE);
    }
  }

  // --- transitions (docs/bits-semantics.md#download-transitions) --------------------------------

  @Test
  void fromCreated(TestInfo info) {
    Download download = download(info);
    assertThat(download.status())
        .isEqualTo(
            new DownloadStatus(download.status().bytesTotal(), 0, DownloadState.CREATED, 0, 0));
    noOp(download, download::pause);
    assertHResult(download::finalizeDownload, HResult.DO_E_INVALID_STATE);
    assertThat(download.status().state()).isEqualTo(DownloadState.CREATED);
    origin.fault(path(info), Fault.throttle(SLOW));
    download.start();
    assertThat(download.status().state()).isEqualTo(DownloadState.TRANSFERRING);

    Download other = download(info);
    other.abort();
    assertThat(other.status().state()).isEqualTo(DownloadState.ABORTED);
  }

  @Test
  void startNeedsAUriAndALocalPath() {
    Download download = delivery.createDownload();
    created.add(download);
    assertHResult(download::start, HResult.DO_E_DOWNLOAD_NO_URI);
    download.setProperty(DownloadProperty.URI, origin.url("/startNeedsAUriAndALocalPath.bin"));
    assertHResult(download::start, HResult.DO_E_FILE_DOWNLOADSINK_UNSPECIFIED);
    assertThat(download.status().state()).isEqualTo(DownloadState.CREATED);
  }

  @Test
  void fromTransferring(TestInfo info) {
    Download download = transferring(info);
    noOp(download, download::start);
    assertHResult(download::finalizeDownload, HResult.DO_E_INVALID_STATE);
    download.pause();
    DownloadStatus paused = download.status();
    assertThat(paused.state()).isEqualTo(DownloadState.PAUSED);
    assertThat(paused.error()).isZero();
    assertThat(paused.extendedError()).isZero();

    Download other = transferring(info);
    other.abort();
    assertThat(other.status().state()).isEqualTo(DownloadState.ABORTED);
  }

  @Test
  void aFinishedTransferBecomesTransferred(TestInfo info) {
    Download download = download(info);
    download.start();
    DownloadStatus done = awaitState(download, DownloadState.TRANSFERRED);
    assertThat(done.bytesTotal()).isEqualTo(SIZE);
    assertThat(done.bytesTransferred()).isEqualTo(SIZE);
    assertThat(done.isError()).isFalse();
    assertThat(download.getProperty(DownloadProperty.HTTP_STATUS_CODE)).isIn(200, 206);
    download.finalizeDownload();
    assertThat(download.status().state()).isEqualTo(DownloadState.FINALIZED);
    assertThat(sha256(downloads.resolve("file.bin"))).isEqualTo(content.sha256());
  }

  @Test
  void aTransientErrorPausesWithTheCauseAndIsRetried(TestInfo info) {
    origin.faultOnce(path(info), Fault.status(503));
    Download download = download(info);
    download.start();
    await("a transient pause")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> download.status().isTransientError());
    DownloadStatus status = download.status();
    assertThat(status.state()).isEqualTo(DownloadState.PAUSED);
    assertThat(status.error()).isZero();
    assertThat(status.extendedError()).isEqualTo(HResult.httpError(503));
    await("the retry")
        .atMost(PATIENCE.multipliedBy(2))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> download.status().isComplete());
    assertThat(origin.requests(path(info)).size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aFatalErrorPausesWithTheError(TestInfo info) {
    Download download = delivery.createDownload();
    created.add(download);
    download.setProperty(DownloadProperty.URI, origin.url("/missing.bin"));
    download.setProperty(DownloadProperty.LOCAL_PATH, downloads.resolve("m.bin").toString());
    download.start();
    await("the failure").atMost(PATIENCE).until(() -> download.status().isError());
    DownloadStatus failed = download.status();
    assertThat(failed.state()).isEqualTo(DownloadState.PAUSED);
    assertThat(failed.error()).isEqualTo(HResult.httpError(404));
  }

  @Test
  void fromPaused(TestInfo info) {
    Download download = paused(info);
    noOp(download, download::pause);
    assertHResult(download::finalizeDownload, HResult.DO_E_INVALID_STATE);
    origin.clearFaults(path(info));
    download.start();
    assertThat(download.status().state())
        .isIn(DownloadState.TRANSFERRING, DownloadState.TRANSFERRED);
    awaitState(download, DownloadState.TRANSFERRED);
    download.finalizeDownload();
    assertThat(sha256(downloads.resolve("file.bin"))).isEqualTo(content.sha256());

    Download other = paused(info);
    other.abort();
    assertThat(other.status().state()).isEqualTo(DownloadState.ABORTED);
  }

  @Test
  void fromTransferred(TestInfo info) {
    Download download = transferred(info);
    noOp(download, download::start);
    noOp(download, download::pause);
    download.finalizeDownload();
    assertThat(download.status().state()).isEqualTo(DownloadState.FINALIZED);

    Download other = transferred(info);
    other.abort();
    assertThat(other.status().state()).isEqualTo(DownloadState.ABORTED);
  }

  @Test
  void startWithRangesOnATransferredDownloadFetchesAnotherPart(TestInfo info) throws IOException {
    Download download = download(info);
    download.start(List.of(new DownloadRange(0, 1000)));
    DownloadStatus first = awaitState(download, DownloadState.TRANSFERRED);
    assertThat(first.bytesTransferred()).isEqualTo(1000);
    download.start(List.of(new DownloadRange(100_000, 5000)));
    DownloadStatus second = awaitState(download, DownloadState.TRANSFERRED);
    assertThat(second.bytesTransferred()).isEqualTo(6000);
    download.finalizeDownload();
    byte[] all = content.slice(0, SIZE);
    byte[] local = Files.readAllBytes(downloads.resolve("file.bin"));
    assertThat(Arrays.copyOfRange(local, 0, 1000)).isEqualTo(Arrays.copyOfRange(all, 0, 1000));
    assertThat(Arrays.copyOfRange(local, 100_000, 105_000))
        .isEqualTo(Arrays.copyOfRange(all, 100_000, 105_000));
  }

  @Test
  void fromFinalized(TestInfo info) {
    Download download = finalized(info);
    assertHResult(download::start, HResult.DO_E_INVALID_STATE);
    assertHResult(download::pause, HResult.DO_E_INVALID_STATE);
    noOp(download, download::finalizeDownload);
    assertHResult(download::abort, HResult.DO_E_INVALID_STATE);
    assertThat(download.status().state()).isEqualTo(DownloadState.FINALIZED);
  }

  @Test
  void fromAborted(TestInfo info) {
    Download download = aborted(info);
    assertHResult(download::start, HResult.DO_E_INVALID_STATE);
    assertHResult(download::pause, HResult.DO_E_INVALID_STATE);
    assertHResult(download::finalizeDownload, HResult.DO_E_INVALID_STATE);
    noOp(download, download::abort);
    assertThat(download.status().state()).isEqualTo(DownloadState.ABORTED);
  }

  // --- the manager, callbacks, blocking mode ---------------------------------------------------

  @Test
  void enumerationShowsTheCallersLiveDownloads(TestInfo info) {
    Download a = download(info);
    Download b = delivery.createDownload();
    created.add(b);
    b.setProperty(DownloadProperty.DISPLAY_NAME, "b");
    assertThat(delivery.enumDownloads().stream().map(Download::id)).contains(a.id(), b.id());
    assertThat(
            delivery
                .enumDownloads(new DownloadCategory(DownloadProperty.URI, origin.url(path(info))))
                .stream()
                .map(Download::id))
        .containsExactly(a.id());
    assertThat(
            delivery
                .enumDownloads(new DownloadCategory(DownloadProperty.DISPLAY_NAME, "b"))
                .stream()
                .map(Download::id))
        .containsExactly(b.id());
    a.abort();
    assertThat(delivery.enumDownloads().stream().map(Download::id)).doesNotContain(a.id());
  }

  @Test
  void theCallbackHearsEveryStateUpToTransferred(TestInfo info) {
    Download download = download(info);
    List<DownloadStatus> heard = new CopyOnWriteArrayList<>();
    DownloadStatusCallback callback =
        (d, status) -> {
          assertThat(d.id()).isEqualTo(download.id());
          heard.add(status);
        };
    download.setProperty(DownloadProperty.CALLBACK_INTERFACE, callback);
    assertThat(download.getProperty(DownloadProperty.CALLBACK_INTERFACE)).isSameAs(callback);
    download.start();
    await("the callback to hear TRANSFERRED")
        .atMost(PATIENCE)
        .until(() -> heard.stream().anyMatch(DownloadStatus::isComplete));
  }

  @Test
  void blockingModeStartReturnsOnceTransferred(TestInfo info) {
    Download download = download(info);
    download.setProperty(DownloadProperty.BLOCKING_MODE, true);
    assertThat(download.getProperty(DownloadProperty.BLOCKING_MODE)).isEqualTo(true);
    download.start();
    assertThat(download.status().state()).isEqualTo(DownloadState.TRANSFERRED);
  }

  @Test
  void blockingModeStartReturnsOnAFatalError() {
    Download download = delivery.createDownload();
    created.add(download);
    download.setProperty(DownloadProperty.URI, origin.url("/missing-blocking.bin"));
    download.setProperty(DownloadProperty.LOCAL_PATH, downloads.resolve("b.bin").toString());
    download.setProperty(DownloadProperty.BLOCKING_MODE, true);
    download.start();
    assertThat(download.status().isError()).isTrue();
  }
}
