package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.PATIENCE;
import static dev.ferry.testkit.Jobs.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryFileProperty;
import dev.ferry.api.delivery.DeliveryJobProperty;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.DeliveryOptimizationJob;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadPropertyEx;
import dev.ferry.api.delivery.DownloadRange;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;
import dev.ferry.api.delivery.DownloadStatusCallback;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.engine.integrity.DecryptionInfo;
import dev.ferry.engine.integrity.IntegrityCheckInfo;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DO half over the real engine and a real origin: downloads (IDOManager / IDODownload) with
 * piece-hash integrity, decryption, sinks, ranges and persistence, and the DO job and file
 * extensions with their statistics.
 */
class DeliveryOptimizationTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  @RegisterExtension
  private final EngineFixture fixture =
      new EngineFixture(EngineFixture.testConfig().withDownloadRetryDelay(Duration.ofSeconds(1)));

  private DeliveryManager alice;

  @BeforeEach
  void start() {
    alice = DeliveryManager.of(fixture.alice());
  }

  private Download download(String path, Path local) {
    Download download = alice.createDownload();
    download.setProperty(DownloadProperty.URI, fixture.origin.url(path));
    download.setProperty(DownloadProperty.LOCAL_PATH, local.toString());
    return download;
  }

  /** Serves its bytes with one byte flipped the first time a read covers {@code offset}. */
  private static final class CorruptOnce implements Content {
    private final Content real;
    private final long offset;
    private final AtomicBoolean corrupted = new AtomicBoolean();

    CorruptOnce(Content real, long offset) {
      this.real = real;
      this.offset = offset;
    }

    @Override
    public long size() {
      return real.size();
    }

    @Override
    public void read(long from, byte[] buf, int off, int len) {
      real.read(from, buf, off, len);
      if (from <= offset && offset < from + len && corrupted.compareAndSet(false, true)) {
        buf[off + (int) (offset - from)] ^= 0x5a;
      }
    }
  }

  /** Serves its bytes with one byte flipped every time a read covers {@code offset}. */
  private record AlwaysCorrupt(Content real, long offset) implements Content {
    @Override
    public long size() {
      return real.size();
    }

    @Override
    public void read(long from, byte[] buf, int off, int len) {
      real.read(from, buf, off, len);
      if (from <= offset && offset < from + len) {
        buf[off + (int) (offset - from)] ^= 0x5a;
      }
    }
  }

  private String publishHashes(String path, byte[] bytes) throws Exception {
    Path plain = dir.resolve("plain-" + path);
    Files.write(plain, bytes);
    PieceHashes hashes = PieceHashes.of(plain, MIB);
    fixture.origin.put(path + ".phf", hashes.encode());
    return IntegrityCheckInfo.describe(path + ".phf", hashes);
  }

  @Test
  void aCorruptedPieceIsFetchedAgainAndTheFileEndsByteExact() throws Exception {
    Content content = Content.random(5L * MIB + 123, 41);
    String info = publishHashes("big.bin", content.bytes());
    fixture.origin.put("big.bin", new CorruptOnce(content, 2L * MIB + 77));
    Path local = fixture.download("big.bin");
    Download download = download("big.bin", local);
    SwarmStats stats = downloadChecked(download, info);

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    assertThat(stats.piecesFailedIntegrity()).isEqualTo(1);
    // The bad piece came twice: the statistics count every byte received.
    assertThat(stats.bytesFromHttp()).isEqualTo(content.size() + MIB);
    assertThat(stats.totalBytesDownloaded()).isEqualTo(stats.bytesFromHttp());
    assertThat(download.status().state()).isEqualTo(DownloadState.FINALIZED);
  }

  /**
   * Downloads with {@code info} as its mandatory integrity check, to the end, and returns the
   * statistics it had once transferred (finalizing it takes it out of the status list).
   */
  private SwarmStats downloadChecked(Download download, String info) {
    download.setProperty(DownloadProperty.INTEGRITY_CHECK_INFO, info);
    download.setProperty(DownloadProperty.INTEGRITY_CHECK_MANDATORY, true);
    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
    SwarmStats stats =
        alice.deliveryStatus().stream()
            .filter(row -> row.ownerId().equals(download.id()))
            .findFirst()
            .orElseThrow()
            .stats();
    download.finalizeDownload();
    return stats;
  }

  /**
   * A piece-hash file of version 2 (BEP 52's merkle hashes at 64 KiB pieces): the same check path
   * finds the corrupt piece, fetches it again, and the file ends byte-exact.
   */
  @Test
  void aCorruptedPieceIsRejectedAgainstBep52Hashes() throws Exception {
    int pieceSize = 64 * 1024;
    Content content = Content.random(20L * pieceSize + 4321, 43);
    Path plain = dir.resolve("plain-v2.bin");
    Files.write(plain, content.bytes());
    PieceHashes hashes = PieceHashes.bep52(plain, pieceSize);
    fixture.origin.put("v2.bin.phf", hashes.encode());
    fixture.origin.put("v2.bin", new CorruptOnce(content, 7L * pieceSize + 1000));
    Path local = fixture.download("v2.bin");
    SwarmStats stats =
        downloadChecked(
            download("v2.bin", local), IntegrityCheckInfo.describe("v2.bin.phf", hashes));

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    assertThat(stats.piecesFailedIntegrity()).isEqualTo(1);
    assertThat(stats.bytesFromHttp()).isEqualTo(content.size() + pieceSize);
  }

  @Test
  void aPieceThatKeepsFailingItsCheckEndsTheDownload() throws Exception {
    Content content = Content.random(3L * MIB, 55);
    String info = publishHashes("bad.bin", content.bytes());
    fixture.origin.put("bad.bin", new AlwaysCorrupt(content, MIB + 9));
    Download download = download("bad.bin", fixture.download("bad.bin"));
    download.setProperty(DownloadProperty.INTEGRITY_CHECK_INFO, info);

    download.start();
    await().atMost(PATIENCE).until(() -> download.status().isError());

    assertThat(download.status().error()).isEqualTo(HResult.BG_E_VALIDATION_FAILED.value());
    assertThat(download.status().bytesTransferred()).isEqualTo(2L * MIB);
  }

  @Test
  void aMandatoryCheckWithoutItsHashFileStopsTheDownload() throws Exception {
    Content content = Content.random(2L * MIB, 42);
    String info = publishHashes("nohash.bin", content.bytes());
    fixture.origin.remove("nohash.bin.phf");
    fixture.origin.put("nohash.bin", content);
    Path local = fixture.download("nohash.bin");
    Download download = download("nohash.bin", local);
    download.setProperty(DownloadProperty.INTEGRITY_CHECK_INFO, info);
    download.setProperty(DownloadProperty.INTEGRITY_CHECK_MANDATORY, true);

    download.start();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(download.status().isError()).isTrue());

    DownloadStatus status = download.status();
    assertThat(status.state()).isEqualTo(DownloadState.PAUSED);
    assertThat(status.error()).isEqualTo(HResult.DO_E_INTEGRITYCHECKINFO_UNAVAILABLE.value());
    assertThat(status.bytesTransferred()).isZero();
    assertThat(fixture.origin.requests("nohash.bin")).isEmpty();
    assertThat(local).doesNotExist();
  }

  @Test
  void anOptionalCheckWithoutItsHashFileDownloadsUnchecked() throws Exception {
    Content content = Content.random(MIB + 5, 43);
    String info = publishHashes("optional.bin", content.bytes());
    fixture.origin.remove("optional.bin.phf");
    fixture.origin.put("optional.bin", content);
    Path local = fixture.download("optional.bin");
    Download download = download("optional.bin", local);
    download.setProperty(DownloadProperty.INTEGRITY_CHECK_INFO, info);

    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
    download.finalizeDownload();

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
  }

  @Test
  void encryptedContentIsDecryptedOnTheWayToDiskOverSeveralConnections() throws Exception {
    byte[] plain = Content.random(9L * MIB + 333, 44).bytes();
    byte[] key = new byte[32];
    byte[] counter = new byte[16];
    Arrays.fill(key, (byte) 7);
    counter[15] = (byte) 0xf0; // the counter carries into the next byte within the first blocks
    Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
    byte[] encrypted = cipher.doFinal(plain);
    String integrity = publishHashes("secret.bin", encrypted);
    fixture.origin.put("secret.bin", encrypted);
    Path local = fixture.download("secret.bin");
    Download download = download("secret.bin", local);
    download.setProperty(DownloadProperty.FOREGROUND_PRIORITY, true);
    download.setProperty(DownloadProperty.DECRYPTION_INFO, DecryptionInfo.describe(key, counter));
    download.setProperty(DownloadProperty.INTEGRITY_CHECK_INFO, integrity);

    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
    download.finalizeDownload();

    assertThat(Files.readAllBytes(local)).isEqualTo(plain);
    assertThat(fixture.origin.requests("secret.bin").size()).isGreaterThan(1);
  }

  @Test
  void theInternalExPropertiesMapOntoTheirSuccessors() {
    Download download = alice.createDownload();

    download.setPropertyEx(DownloadPropertyEx.INTEGRITY_CHECK_MANDATORY, true);
    download.setPropertyEx(DownloadPropertyEx.CORRELATION_VECTOR, "cv.1");
    download.setPropertyEx(DownloadPropertyEx.TOTAL_SIZE_BYTES, 1234L);

    assertThat(download.getProperty(DownloadProperty.INTEGRITY_CHECK_MANDATORY)).isEqualTo(true);
    assertThat(download.getPropertyEx(DownloadPropertyEx.CORRELATION_VECTOR)).isEqualTo("cv.1");
    assertThat(download.status().bytesTotal()).isEqualTo(1234L);
    assertThatThrownBy(() -> download.getPropertyEx(DownloadPropertyEx.INTEGRITY_CHECK_INFO))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_WRITE_ONLY_PROPERTY)).isTrue());
    for (DownloadPropertyEx reserved :
        List.of(DownloadPropertyEx.UPDATE_ID, DownloadPropertyEx.TEMP_LOCAL_FILE_USAGE)) {
      assertThatThrownBy(() -> download.setPropertyEx(reserved, "x"))
          .isInstanceOfSatisfying(
              FerryException.class,
              e -> assertThat(e.is(HResult.DO_E_UNKNOWN_PROPERTY_ID)).isTrue());
    }
    assertThatThrownBy(() -> DownloadPropertyEx.of(7))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_UNKNOWN_PROPERTY_ID)).isTrue());
  }

  @Test
  void decryptionInfoFerryCannotUseIsRefused() {
    Download download = alice.createDownload();
    assertThatThrownBy(() ->
            download.setProperty(
                DownloadProperty.DECRYPTION_INFO,
                "{\"AlgorithmName\":\"AES\",\"ChainingMode\":\"CBC\",\"KeyData\":\"AA==\"}"))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.E_INVALIDARG)).isTrue());
  }

  @Test
  void aStreamSinkGetsTheRangesInOrderAndNothingStaysOnDisk() throws Exception {
    Content content = Content.random(4L * MIB, 45);
    fixture.origin.put("stream.bin", content);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    List<Long> offsets = new CopyOnWriteArrayList<>();
    DownloadSink sink =
        (offset, bytes) -> {
          offsets.add(offset);
          DownloadSink.of(received).write(offset, bytes);
        };
    Download download = alice.createDownload();
    download.setProperty(DownloadProperty.URI, fixture.origin.url("stream.bin"));
    download.setProperty(DownloadProperty.STREAM_INTERFACE, sink);
    assertThatThrownBy(() -> download.setProperty(DownloadProperty.LOCAL_PATH, "/tmp/x"))
        .isInstanceOfSatisfying(
            FerryException.class,
            e -> assertThat(e.is(HResult.DO_E_FILE_DOWNLOADSINK_ALREADY_SET)).isTrue());

    download.start(List.of(new DownloadRange(MIB + 10, MIB), new DownloadRange(3L * MIB, 100)));
    awaitState(download, DownloadState.TRANSFERRED);

    byte[] expected = new byte[MIB + 100];
    System.arraycopy(content.slice(MIB + 10, MIB), 0, expected, 0, MIB);
    System.arraycopy(content.slice(3L * MIB, 100), 0, expected, MIB, 100);
    assertThat(received.toByteArray()).isEqualTo(expected);
    assertThat(offsets.get(0)).isEqualTo(MIB + 10L);
    assertThat(offsets).isSorted();
    download.finalizeDownload();
    try (var staged = Files.walk(fixture.dataDir.resolve("sinks"))) {
      assertThat(staged.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aTransferredDownloadStartsAgainForAnotherRange() throws Exception {
    Content content = Content.random(6L * MIB, 46);
    fixture.origin.put("ranges.bin", content);
    Path local = fixture.download("ranges.bin");
    Download download = download("ranges.bin", local);

    download.start(List.of(new DownloadRange(0, MIB)));
    awaitState(download, DownloadState.TRANSFERRED);
    assertThat(download.status().bytesTotal()).isEqualTo(MIB);
    download.start(List.of(new DownloadRange(4L * MIB + 1, MIB)));
    awaitState(download, DownloadState.TRANSFERRED);
    download.finalizeDownload();

    byte[] local6 = Files.readAllBytes(local);
    assertThat(local6).hasSize(6 * MIB);
    assertThat(Arrays.copyOfRange(local6, 0, MIB)).isEqualTo(content.slice(0, MIB));
    assertThat(Arrays.copyOfRange(local6, 4 * MIB + 1, 5 * MIB + 1))
        .isEqualTo(content.slice(4L * MIB + 1, MIB));
  }

  @Test
  void aTransientErrorPausesWithAnExtendedErrorAndRetriesByItself() {
    Content content = Content.random(MIB, 47);
    fixture.origin.put("flaky.bin", content);
    fixture.origin.faultOnce("flaky.bin", Fault.status(503));
    Path local = fixture.download("flaky.bin");
    Download download = download("flaky.bin", local);
    List<DownloadStatus> seen = new CopyOnWriteArrayList<>();
    DownloadStatusCallback callback = (d, status) -> seen.add(status);
    download.setProperty(DownloadProperty.CALLBACK_INTERFACE, callback);

    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
    download.finalizeDownload();

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    await()
        .atMost(PATIENCE)
        .untilAsserted(() ->
            assertThat(seen)
                .anySatisfy(s -> assertThat(s.isTransientError()).isTrue())
                .anySatisfy(s -> assertThat(s.state()).isEqualTo(DownloadState.TRANSFERRED))
                .last()
                .satisfies(s -> assertThat(s.state()).isEqualTo(DownloadState.FINALIZED)));
    DownloadStatus transientStatus =
        seen.stream().filter(DownloadStatus::isTransientError).findFirst().orElseThrow();
    assertThat(transientStatus.error()).isZero();
    assertThat(transientStatus.extendedError()).isEqualTo(HResult.httpError(503));
  }

  @Test
  void aDownloadWithoutProgressForItsTimeoutPausesWithNoProgress() {
    fixture.origin.put("down.bin", Content.random(1000, 54));
    fixture.origin.fault("down.bin", Fault.status(503));
    Download download = download("down.bin", fixture.download("down.bin"));
    download.setProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS, 60);

    download.start();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> download.status().isError());

    DownloadStatus status = download.status();
    assertThat(status.state()).isEqualTo(DownloadState.PAUSED);
    assertThat(status.error()).isEqualTo(HResult.DO_E_DOWNLOAD_NO_PROGRESS.value());
    assertThat(status.extendedError()).isEqualTo(HResult.httpError(503));
    // Start goes on after a fatal pause; with the server back, the download completes.
    fixture.origin.clearFaults("down.bin");
    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
  }

  @Test
  void aFatalErrorPausesWithTheErrorAndStartTriesAgain() {
    Path local = fixture.download("missing.bin");
    Download download = download("missing.bin", local);

    download.start();
    await().atMost(PATIENCE).until(() -> download.status().isError());
    assertThat(download.status().state()).isEqualTo(DownloadState.PAUSED);
    assertThat(download.status().error()).isEqualTo(HResult.httpError(404));

    fixture.origin.put("missing.bin", Content.random(1000, 48));
    download.start();
    awaitState(download, DownloadState.TRANSFERRED);
    assertThat(download.status().error()).isZero();
  }

  @Test
  void blockingModeStartReturnsWhenTheDownloadIsDone() {
    Content content = Content.random(2L * MIB, 49);
    fixture.origin.put("block.bin", content);
    Download download = download("block.bin", fixture.download("block.bin"));
    download.setProperty(DownloadProperty.BLOCKING_MODE, true);

    download.start();

    assertThat(download.status().state()).isEqualTo(DownloadState.TRANSFERRED);
  }

  @Test
  void onlyNonVolatileDownloadsSurviveARestart() throws Exception {
    Content content = Content.random(3L * MIB, 50);
    fixture.origin.put("slow.bin", content);
    fixture.origin.fault("slow.bin", Fault.throttle(256 * 1024));
    Download kept = download("slow.bin", fixture.download("kept.bin"));
    kept.setProperty(DownloadProperty.NON_VOLATILE, true);
    kept.setProperty(DownloadProperty.DISPLAY_NAME, "kept");
    Download dropped = download("slow.bin", fixture.download("dropped.bin"));
    kept.start();
    dropped.start();
    await()
        .atMost(PATIENCE)
        .until(
            () -> dropped.status().bytesTransferred() > 0 && kept.status().bytesTransferred() > 0);

    fixture.restart(EngineFixture.testConfig().withDownloadRetryDelay(Duration.ofSeconds(1)));
    fixture.origin.clearFaults("slow.bin");
    DeliveryManager after = DeliveryManager.of(fixture.alice());

    List<Download> left = after.enumDownloads();
    assertThat(left).extracting(Download::id).containsExactly(kept.id());
    Download resumed = left.get(0);
    assertThat(resumed.getProperty(DownloadProperty.DISPLAY_NAME)).isEqualTo("kept");
    awaitState(resumed, DownloadState.TRANSFERRED);
    resumed.finalizeDownload();
    assertThat(EngineFixture.sha256(fixture.download("kept.bin"))).isEqualTo(content.sha256());
    try (var files = Files.list(fixture.downloads)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("kept.bin");
    }
  }

  @Test
  void downloadsAreTheirCallersOwnAndHiddenFromTheJobList() {
    Download mine = alice.createDownload();
    mine.setProperty(DownloadProperty.URI, fixture.origin.url("a.bin"));
    DeliveryManager bob = DeliveryManager.of(fixture.manager(EngineFixture.BOB));
    bob.createDownload();

    assertThat(alice.enumDownloads()).extracting(Download::id).containsExactly(mine.id());
    assertThat(
            alice.enumDownloads(
                new DownloadCategory(DownloadProperty.URI, fixture.origin.url("a.bin"))))
        .hasSize(1);
    assertThat(alice.enumDownloads(new DownloadCategory(DownloadProperty.URI, "http://x/")))
        .isEmpty();
    assertThat(fixture.alice().enumJobs()).isEmpty();
    assertThatThrownBy(() -> fixture.alice().getJob(java.util.UUID.fromString(mine.id())))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.BG_E_NOT_FOUND)).isTrue());
  }

  @Test
  void theJobExtensionAddsRangesByFileIdAndReportsStatistics() throws Exception {
    Content content = Content.random(3L * MIB, 51);
    fixture.origin.put("job.bin", content);
    BackgroundCopyJob job = fixture.alice().createJob("do-job");
    DeliveryOptimizationJob delivery = DeliveryOptimizationJob.of(job);
    Path local = fixture.download("job.bin");

    assertThatThrownBy(() ->
            delivery.addFileWithRanges(
                "id",
                fixture.origin.url("job.bin"),
                local.toString(),
                List.of(new DownloadRange(0, 10), new DownloadRange(5, 10)),
                DeliveryOptimizationJob.UNKNOWN_FILE_SIZE))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_OVERLAPPING_RANGES)).isTrue());
    assertThatThrownBy(() -> new DownloadRange(-1, 10))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_INVALID_RANGE)).isTrue());
    assertThatThrownBy(() ->
            delivery.addFileWithRanges(
                "id",
                fixture.origin.url("job.bin"),
                local.toString(),
                List.of(new DownloadRange(3L * MIB, 10)),
                3L * MIB))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_INVALID_RANGE)).isTrue());

    DeliveryOptimizationFile file =
        delivery.addFileWithRanges(
            "content-1",
            fixture.origin.url("job.bin"),
            local.toString(),
            List.of(),
            DeliveryOptimizationJob.UNKNOWN_FILE_SIZE);
    assertThat(hresultOf(delivery.getProperty(DeliveryJobProperty.EXTENDED_ERROR_INFO))).isZero();
    assertThatThrownBy(() -> delivery.setProperty(DeliveryJobProperty.EXTENDED_ERROR_INFO, "x"))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_READ_ONLY_PROPERTY)).isTrue());
    assertThatThrownBy(() -> file.getProperty(DeliveryFileProperty.DECRYPTION_INFO))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_WRITE_ONLY_PROPERTY)).isTrue());
    assertThatThrownBy(() -> file.getProperty(DeliveryFileProperty.INTEGRITY_CHECK_MANDATORY))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.E_NOT_SET)).isTrue());
    file.setProperty(DeliveryFileProperty.INTEGRITY_CHECK_MANDATORY, false);
    assertThat(file.getProperty(DeliveryFileProperty.INTEGRITY_CHECK_MANDATORY)).isEqualTo(false);

    job.resume();
    EngineFixture.awaitState(job, JobState.TRANSFERRED);
    SwarmStats stats = file.getStats();
    assertThatThrownBy(() -> file.setProperty(DeliveryFileProperty.TOTAL_SIZE_BYTES, 5L))
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_INVALID_STATE)).isTrue());
    job.complete();

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    assertThat(stats.fileId()).isEqualTo("content-1");
    assertThat(stats.sourceUrl()).isEqualTo(fixture.origin.url("job.bin"));
    assertThat(stats.fileSize()).isEqualTo(content.size());
    assertThat(stats.bytesFromHttp()).isEqualTo(content.size());
    assertThat(stats.bytesFromPeers()).isZero();
    assertThat(stats.httpConnectionCount()).isPositive();
    assertThat(stats.status()).isEqualTo(dev.ferry.api.delivery.SwarmStatus.COMPLETE);
    assertThat(stats.isBackground()).isTrue();
  }

  @Test
  void job2AddFileWaitsForASinkPathBeforeItMayStart() throws Exception {
    Content content = Content.random(MIB / 2, 52);
    fixture.origin.put("later.bin", content);
    BackgroundCopyJob job = fixture.alice().createJob("job2");
    DeliveryOptimizationFile file =
        DeliveryOptimizationJob.of(job).addFile("f", fixture.origin.url("later.bin"), null);

    assertThatThrownBy(job::resume)
        .isInstanceOfSatisfying(
            FerryException.class,
            e -> assertThat(e.is(HResult.DO_E_FILE_DOWNLOADSINK_UNSPECIFIED)).isTrue());
    Path local = fixture.download("later.bin");
    file.setProperty(DeliveryFileProperty.DOWNLOAD_SINK_FILE_PATH, local.toString());
    assertThat(file.getProperty(DeliveryFileProperty.DOWNLOAD_SINK_FILE_PATH))
        .isEqualTo(local.toString());
    job.resume();
    EngineFixture.awaitState(job, JobState.TRANSFERRED);
    job.complete();

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
  }

  @Test
  void theFailedIntegrityOfAJobFileRetriesThePiece() throws Exception {
    Content content = Content.random(3L * MIB, 53);
    String info = publishHashes("jobint.bin", content.bytes());
    fixture.origin.put("jobint.bin", new CorruptOnce(content, MIB + 1));
    BackgroundCopyJob job = fixture.alice().createJob("integrity");
    Path local = fixture.download("jobint.bin");
    DeliveryOptimizationFile file =
        DeliveryOptimizationJob.of(job)
            .addFileWithRanges(
                "jobint", fixture.origin.url("jobint.bin"), local.toString(), List.of(), -1);
    file.setProperty(DeliveryFileProperty.INTEGRITY_CHECK_INFO, info);

    job.resume();
    EngineFixture.awaitState(job, JobState.TRANSFERRED);
    assertThat(file.getStats().piecesFailedIntegrity()).isEqualTo(1);
    job.complete();

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
  }

  private static int hresultOf(String json) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("HResult").asInt();
  }
}
