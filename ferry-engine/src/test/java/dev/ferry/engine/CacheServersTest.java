package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryFileProperty;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.DeliveryOptimizationJob;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.cache.CacheServers;
import dev.ferry.cache.CacheSettings;
import dev.ferry.engine.integrity.IntegrityCheckInfo;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.SourceKind;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Jobs;
import dev.ferry.testkit.RecordedRequest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache hosts as DO uses them ({@link CacheServers}), over real sockets: a {@link TestCache} on
 * loopback stands in for Microsoft Connected Cache, the test origin for the file's server.
 */
class CacheServersTest {
  private static final int MIB = 1 << 20;
  private static final String ORIGIN_HOST = "127.0.0.1";

  @TempDir Path tmp;
  private EngineFixture fx;
  private TestCache cache;
  private CacheServers caches;
  private final RecordedEvents events = new RecordedEvents();
  private final FakeClock clock = new FakeClock(Instant.parse("2026-12-07T09:00:00Z"));

  @AfterEach
  void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
    if (cache != null) {
      cache.close();
    }
  }

  /** An engine whose cache hosts are {@code hosts}, with {@code delay} for background jobs. */
  private void start(List<String> hosts, Long delaySeconds) {
    caches =
        new CacheServers(
            new CacheSettings(hosts, CacheSettings.UNSET, CacheSettings.UNSET)
                .withDelays(delaySeconds, delaySeconds),
            Duration.ofSeconds(3),
            clock);
    fx =
        new EngineFixture(
            tmp,
            EngineFixture.testConfig()
                .withClock(clock)
                .withSourceProviders(caches)
                .withTransferEvents(events));
  }

  /** A cache for the test origin that allows {@code allowed}. */
  private TestCache cacheAllowing(String allowed) throws Exception {
    return new TestCache(() -> fx.origin.port(), allowed);
  }

  private BackgroundCopyJob job(String path, Path target) {
    BackgroundCopyJob job = fx.alice().createJob(path);
    job.addFile(fx.origin.url(path), target.toString());
    return job;
  }

  /** Downloads {@code path} (which the origin serves as {@code content}) in a job, byte-exact. */
  private void downloadWhole(String path, Content content) {
    Path target = fx.download(path.substring(1));
    BackgroundCopyJob job = job(path, target);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    complete(job, target, content);
  }

  private static void complete(BackgroundCopyJob job, Path target, Content content) {
    job.complete();
    assertThat(EngineFixture.sha256(target)).as("byte-exact").isEqualTo(content.sha256());
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aFileComesThroughTheCacheByteExactAndCountsAsCacheBytes() throws Exception {
    cache = cacheAllowing(ORIGIN_HOST);
    start(List.of(cache.host()), null);
    Content content = Content.random(6L * MIB, 71);
    fx.origin.put("/p/f.bin", content);
    cache.hold("/p/f.bin", content.bytes());
    Path target = fx.download("f.bin");
    BackgroundCopyJob job = fx.alice().createJob("through");
    job.addFile(fx.origin.url("/p/f.bin?x=1"), target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    SwarmStats stats = DeliveryOptimizationFile.of(job.files().get(0)).getStats();
    complete(job, target, content);

    assertThat(events.bytes(SourceKind.CACHE_SERVER)).isEqualTo(content.size());
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
    assertThat(stats.bytesFromCacheServer()).isEqualTo(content.size());
    assertThat(stats.bytesFromHttp()).as("as DO counts").isEqualTo(content.size());
    assertThat(stats.bytesFromOrigin()).isZero();
    assertThat(stats.percentNotFromOrigin()).isEqualTo(100.0);
    assertThat(stats.cacheHost()).isEqualTo(cache.host());
    assertThat(stats.cacheServerConnectionCount()).isPositive();
    assertThat(stats.httpConnectionCount()).isZero();
    // The cache relays the origin, so it told the file's version too: the origin sent no byte
    // (the test cache's own HEAD requests aside).
    assertThat(fx.origin.requests("/p/f.bin"))
        .extracting(RecordedRequest::method)
        .containsOnly("HEAD");
    assertThat(cache.queries())
        .isNotEmpty()
        .allMatch(q -> q.equals("x=1&cacheHostOrigin=127.0.0.1"));
  }

  @Test
  void aJobsOwnCacheHostsServeItWhereTheMachineHasNone() throws Exception {
    cache = cacheAllowing(ORIGIN_HOST);
    start(List.of(), null);
    Content content = Content.random(3L * MIB, 78);
    fx.origin.put("/own.bin", content);
    cache.hold("/own.bin", content.bytes());
    Path target = fx.download("own.bin");
    BackgroundCopyJob job = job("/own.bin", target);
    job.setProperty(JobPropertyId.CACHE_HOSTS, new JobPropertyValue.Text(" " + cache.host()));
    job.setProperty(JobPropertyId.CACHE_FALLBACK_DELAY, new JobPropertyValue.Dword(-1));
    assertThat(job.getProperty(JobPropertyId.CACHE_HOSTS))
        .isEqualTo(new JobPropertyValue.Text(cache.host()));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    complete(job, target, content);

    assertThat(events.bytes(SourceKind.CACHE_SERVER)).isEqualTo(content.size());
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
  }

  @Test
  void aDoDownloadsOwnCacheHostsServeItAndReadBack() throws Exception {
    cache = cacheAllowing(ORIGIN_HOST);
    start(List.of(), null);
    Content content = Content.random(2L * MIB, 82);
    fx.origin.put("/dl.bin", content);
    cache.hold("/dl.bin", content.bytes());
    Path target = fx.download("dl.bin");
    Download download = DeliveryManager.of(fx.alice()).createDownload();
    download.setProperty(DownloadProperty.URI, fx.origin.url("/dl.bin"));
    download.setProperty(DownloadProperty.LOCAL_PATH, target.toString());
    download.setProperty(DownloadProperty.CACHE_HOSTS, "  " + cache.host() + ",");
    download.setProperty(DownloadProperty.CACHE_FALLBACK_DELAY, -1);
    EngineFixture.assertHResult(
        () -> download.setProperty(DownloadProperty.CACHE_HOSTS, "http://c/"),
        dev.ferry.api.HResult.E_INVALIDARG);
    EngineFixture.assertHResult(
        () -> download.setProperty(DownloadProperty.CACHE_FALLBACK_DELAY, -2),
        dev.ferry.api.HResult.E_INVALIDARG);
    assertThat(download.getProperty(DownloadProperty.CACHE_HOSTS))
        .isEqualTo("  " + cache.host() + ",");
    assertThat(download.getProperty(DownloadProperty.CACHE_FALLBACK_DELAY)).isEqualTo(-1);

    download.start();
    Jobs.awaitState(download, DownloadState.TRANSFERRED);
    download.finalizeDownload();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(events.bytes(SourceKind.CACHE_SERVER)).isEqualTo(content.size());
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
  }

  @Test
  void theJobsCacheSettingsSurviveARestart() {
    start(List.of(), null);
    fx.origin.put("/keep.bin", Content.random(1024, 79));
    BackgroundCopyJob job = job("/keep.bin", fx.download("keep.bin"));
    job.setProperty(JobPropertyId.CACHE_HOSTS, new JobPropertyValue.Text("c1,[fd00::1]:8080"));
    EngineFixture.assertHResult(
        () -> job.getProperty(JobPropertyId.CACHE_FALLBACK_DELAY), dev.ferry.api.HResult.E_NOT_SET);
    job.setProperty(JobPropertyId.CACHE_FALLBACK_DELAY, new JobPropertyValue.Dword(30));
    EngineFixture.assertHResult(
        () -> job.setProperty(JobPropertyId.CACHE_HOSTS, new JobPropertyValue.Text("http://c/")),
        dev.ferry.api.HResult.E_INVALIDARG);
    fx.restart();
    BackgroundCopyJob again = fx.alice().getJob(job.id());
    assertThat(again.getProperty(JobPropertyId.CACHE_HOSTS))
        .isEqualTo(new JobPropertyValue.Text("c1,[fd00::1]:8080"));
    assertThat(again.getProperty(JobPropertyId.CACHE_FALLBACK_DELAY))
        .isEqualTo(new JobPropertyValue.Dword(30));
    again.cancel();
  }

  @Test
  void a403BansThePairAndTheFileComesFromTheOrigin() throws Exception {
    cache = cacheAllowing("other.example");
    start(List.of(cache.host()), null);
    Content content = Content.random(3L * MIB, 72);
    fx.origin.put("/a.bin", content);
    fx.origin.put("/b.bin", content);
    cache.hold("/a.bin", content.bytes());
    downloadWhole("/a.bin", content);

    assertThat(events.bytes(SourceKind.ORIGIN)).isEqualTo(content.size());
    assertThat(events.failed(SourceKind.CACHE_SERVER)).isEqualTo(1);
    assertThat(caches.bans().isBanned(cache.host(), ORIGIN_HOST)).isTrue();
    assertThat(caches.bans().isBanned(cache.host(), "other.example")).isFalse();

    // The ban outlives the file: the next one goes to the origin without asking the cache.
    int asked = cache.queries().size();
    downloadWhole("/b.bin", content);
    assertThat(cache.queries()).hasSize(asked);

    clock.advance(Duration.ofMinutes(15));
    assertThat(caches.bans().isBanned(cache.host(), ORIGIN_HOST)).as("15 minutes").isFalse();
  }

  @Test
  void aStoppedCacheIsBannedAndTheOriginServes() throws Exception {
    String stopped = "127.0.0.1:" + closedPort();
    start(List.of(stopped), null);
    Content content = Content.random(2L * MIB, 73);
    fx.origin.put("/s.bin", content);
    downloadWhole("/s.bin", content);

    assertThat(events.bytes(SourceKind.ORIGIN)).isEqualTo(content.size());
    assertThat(caches.bans().isBanned(stopped, "any.example")).as("for every origin").isTrue();
  }

  @Test
  void theNextHostInTheListIsTriedBeforeTheOrigin() throws Exception {
    cache = cacheAllowing(ORIGIN_HOST);
    String stopped = "127.0.0.1:" + closedPort();
    start(List.of(stopped, cache.host()), null);
    Content content = Content.random(2L * MIB, 74);
    fx.origin.put("/n.bin", content);
    cache.hold("/n.bin", content.bytes());
    downloadWhole("/n.bin", content);

    assertThat(events.bytes(SourceKind.CACHE_SERVER)).isEqualTo(content.size());
    assertThat(caches.bans().isBanned(stopped, ORIGIN_HOST)).isTrue();
  }

  @Test
  void withADelayRetriesStayOnTheCacheUntilItHasPassed() throws Exception {
    String stopped = "127.0.0.1:" + closedPort();
    start(List.of(stopped), 120L);
    Content content = Content.random(2L * MIB, 75);
    fx.origin.put("/d.bin", content);
    Path target = fx.download("d.bin");
    BackgroundCopyJob job = job("/d.bin", target);
    job.setMinimumRetryDelay(Duration.ofSeconds(60));
    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().code())
        .isEqualTo(dev.ferry.api.HResult.ERROR_INTERNET_CANNOT_CONNECT.value());

    // 60 s: the job retries, on the (banned) cache host, and waits again.
    clock.advance(Duration.ofSeconds(61));
    Awaitility.await()
        .atMost(EngineFixture.PATIENCE)
        .until(() -> events.failed(SourceKind.CACHE_SERVER) >= 2);
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();

    // Past the delay the next retry goes to the origin.
    clock.advance(Duration.ofSeconds(61));
    awaitState(job, JobState.TRANSFERRED);
    complete(job, target, content);
    assertThat(events.bytes(SourceKind.ORIGIN)).isEqualTo(content.size());
  }

  @Test
  void aBodyThatBreaksOffIsRetriedOnTheCacheWithinTheDelayThenFromTheOrigin() throws Exception {
    cache = cacheAllowing(ORIGIN_HOST);
    start(List.of(cache.host()), 120L);
    Content content = Content.random(3L * MIB, 80);
    fx.origin.put("/b.bin", content);
    cache.hold("/b.bin", content.bytes());
    cache.breakOffAfter(MIB / 2);
    Path target = fx.download("b.bin");
    BackgroundCopyJob job = job("/b.bin", target);
    job.setMinimumRetryDelay(Duration.ofSeconds(60));
    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().code())
        .isEqualTo(dev.ferry.api.HResult.BG_E_CONNECTION_CLOSED.value());
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
    assertThat(fx.origin.requests("/b.bin"))
        .extracting(RecordedRequest::method)
        .containsOnly("HEAD");

    // Past the delay the next retry may go to the origin, which finishes the file; what the cache
    // sent before it broke off is kept.
    clock.advance(Duration.ofSeconds(121));
    awaitState(job, JobState.TRANSFERRED);
    long fromCache = events.bytes(SourceKind.CACHE_SERVER);
    complete(job, target, content);
    assertThat(fromCache).isPositive();
    assertThat(events.bytes(SourceKind.ORIGIN)).isLessThan(content.size());
  }

  @Test
  void withoutADelayABodyThatBreaksOffIsFinishedByTheOrigin() throws Exception {
    cache = cacheAllowing(ORIGIN_HOST);
    start(List.of(cache.host()), null);
    Content content = Content.random(3L * MIB, 81);
    fx.origin.put("/o.bin", content);
    cache.hold("/o.bin", content.bytes());
    cache.breakOffAfter(MIB);
    downloadWhole("/o.bin", content);
    assertThat(events.bytes(SourceKind.CACHE_SERVER)).isPositive();
    assertThat(events.bytes(SourceKind.ORIGIN)).isPositive();
  }

  @Test
  void minusOneNeverFallsBack() throws Exception {
    String stopped = "127.0.0.1:" + closedPort();
    start(List.of(stopped), -1L);
    Content content = Content.random(MIB, 76);
    fx.origin.put("/never.bin", content);
    BackgroundCopyJob job = job("/never.bin", fx.download("never.bin"));
    job.setMinimumRetryDelay(Duration.ofSeconds(60));
    job.resume();
    awaitState(job, JobState.TRANSIENT_ERROR);
    for (int i = 2; i <= 3; i++) {
      clock.advance(Duration.ofMinutes(20));
      int failures = i;
      Awaitility.await()
          .atMost(EngineFixture.PATIENCE)
          .until(() -> events.failed(SourceKind.CACHE_SERVER) >= failures);
      awaitState(job, JobState.TRANSIENT_ERROR);
    }
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
    job.cancel();
  }

  @Test
  void aCacheThatSendsWrongBytesIsBlamedAndTheFileIsByteExact() throws Exception {
    cache = cacheAllowing(ORIGIN_HOST);
    start(List.of(cache.host()), null);
    Content content = Content.random(8L * MIB, 77);
    fx.origin.put("/w.bin", content);
    cache.hold("/w.bin", content.bytes());
    cache.spoil(MIB + 5, 3L * MIB + 7);
    Path plain = tmp.resolve("plain.bin");
    Files.write(plain, content.bytes());
    PieceHashes hashes = PieceHashes.of(plain, MIB);
    fx.origin.put("/w.bin.phf", hashes.encode());
    Path target = fx.download("w.bin");
    BackgroundCopyJob job = fx.alice().createJob("wrong");
    DeliveryOptimizationFile file =
        DeliveryOptimizationJob.of(job)
            .addFileWithRanges("w", fx.origin.url("/w.bin"), target.toString(), List.of(), -1);
    file.setProperty(
        DeliveryFileProperty.INTEGRITY_CHECK_INFO,
        IntegrityCheckInfo.describe("w.bin.phf", hashes));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    SwarmStats stats = file.getStats();
    complete(job, target, content);

    assertThat(events.rejected())
        .extracting(RecordedEvents.Piece::kind)
        .containsOnly(SourceKind.CACHE_SERVER);
    assertThat(stats.piecesFailedIntegrity()).isPositive();
    assertThat(caches.bans().isBanned(cache.host(), "any.example"))
        .as("the host that sent them, beyond this file")
        .isTrue();
    assertThat(events.bytes(SourceKind.ORIGIN)).isPositive();
  }
}
