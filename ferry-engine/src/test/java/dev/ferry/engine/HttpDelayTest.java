package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceProvider;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Jobs;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DO's HTTP delays and minimum background QoS, with a toy "peer" source over real sockets to a real
 * origin, time moved by a fake clock: while the delay holds and the toy can serve, the origin sends
 * nothing (but the first byte that tells the file's version); once it passed the origin works
 * beside the toy; with nothing else to ask the origin is asked at once; a toy slower than the
 * minimum is topped up from the origin within the delay, a faster one is not.
 */
class HttpDelayTest {
  private static final int MIB = 1 << 20;
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path tmp;
  private final FakeClock clock = new FakeClock(Instant.parse("2026-12-07T09:00:00Z"));
  private final RecordedEvents events = new RecordedEvents();

  /** The toy source of each file, by its path; none for the others. */
  private final Map<String, Source> toys = new ConcurrentHashMap<>();

  private EngineFixture fx;

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private final SourceProvider provider =
      new SourceProvider() {
        @Override
        public List<Source> sourcesFor(FileRef file) {
          Source toy = toys.get(file.uri().getPath());
          return toy == null ? List.of() : List.of(toy);
        }
      };

  private EngineConfig config() {
    return EngineFixture.testConfig()
        .withClock(clock)
        .withSourceProviders(provider)
        .withTransferEvents(events);
  }

  private BackgroundCopyJob start(String path, Map<JobPropertyId, JobPropertyValue> properties) {
    BackgroundCopyJob job = fx.alice().createJob(path);
    job.addFile(fx.origin.url(path), fx.download(path.substring(1)).toString());
    properties.forEach(job::setProperty);
    job.resume();
    return job;
  }

  private void finish(BackgroundCopyJob job, String path, Content content) {
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    assertThat(EngineFixture.sha256(fx.download(path.substring(1)))).isEqualTo(content.sha256());
  }

  @Test
  void whileTheDelayHoldsAndAPeerServesEverythingTheOriginSendsNothing() {
    fx = new EngineFixture(tmp, config().withHttpDelays(HOUR, Duration.ZERO));
    Content content = Content.random(8L * MIB, 91);
    fx.origin.put("/held.bin", content);
    toys.put("/held.bin", MemorySource.holding(content.bytes(), content.size()));

    finish(start("/held.bin", Map.of()), "/held.bin", content);
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
    assertThat(events.bytes(MemorySource.KIND)).isEqualTo(content.size());
    assertThat(fx.origin.requests("/held.bin"))
        .as("the origin was asked only what tells the file's version")
        .singleElement()
        .satisfies(r -> assertThat(r.range()).contains("bytes=0-0"));
    assertThat(fx.origin.bytesServed("/held.bin")).isLessThanOrEqualTo(1);
  }

  @Test
  void aResumedFileWhoseVersionIsKnownDoesNotAskTheOriginAtAll() {
    fx = new EngineFixture(tmp, config().withHttpDelays(HOUR, Duration.ZERO));
    Content content = Content.random(8L * MIB, 92);
    fx.origin.put("/resumed.bin", content);
    fx.origin.fault("/resumed.bin", Fault.throttle(MIB));
    BackgroundCopyJob job = start("/resumed.bin", Map.of());
    await().atMost(EngineFixture.PATIENCE).until(() -> job.progress().bytesTransferred() > MIB);
    job.suspend();
    // The origin alone sent the first part; from here on the toy holds everything.
    toys.put("/resumed.bin", MemorySource.holding(content.bytes(), content.size()));
    fx.restart();
    int asked = fx.origin.requests("/resumed.bin").size();
    long fromOrigin = events.bytes(SourceKind.ORIGIN);

    BackgroundCopyJob again = fx.alice().getJob(job.id());
    again.resume();
    finish(again, "/resumed.bin", content);
    assertThat(fx.origin.requests("/resumed.bin")).hasSize(asked);
    assertThat(events.bytes(SourceKind.ORIGIN)).isEqualTo(fromOrigin);
    assertThat(events.bytes(MemorySource.KIND)).isPositive();
  }

  @Test
  void onceTheDelayPassedTheOriginJoinsThePeer() {
    fx =
        new EngineFixture(
            tmp, config().withHttpDelays(HOUR, Duration.ZERO).withMinBackgroundQos(0));
    Content content = Content.random(8L * MIB, 93);
    fx.origin.put("/joins.bin", content);
    toys.put("/joins.bin", new SlowSource(content, 512 * 1024));
    BackgroundCopyJob job = start("/joins.bin", Map.of());

    await().atMost(EngineFixture.PATIENCE).until(() -> events.bytes(MemorySource.KIND) > MIB);
    assertThat(events.bytes(SourceKind.ORIGIN)).as("within the delay").isZero();
    clock.advance(HOUR);
    await()
        .atMost(EngineFixture.PATIENCE)
        .until(() -> events.bytes(SourceKind.ORIGIN) > 0 || job.state() != JobState.TRANSFERRING);
    finish(job, "/joins.bin", content);
    assertThat(events.bytes(SourceKind.ORIGIN)).as("the origin joined").isPositive();
    assertThat(events.bytes(SourceKind.ORIGIN) + events.bytes(MemorySource.KIND))
        .as("and took its part from the peer's, not the same bytes twice")
        .isLessThanOrEqualTo(content.size() + 2L * MIB);
  }

  @Test
  void withNothingElseToAskTheOriginIsAskedAtOnceDespiteTheDelay() {
    fx = new EngineFixture(tmp, config().withHttpDelays(HOUR, HOUR));
    Content alone = Content.random(3L * MIB, 94);
    Content empty = Content.random(2L * MIB, 95);
    Content failing = Content.random(2L * MIB, 96);
    fx.origin.put("/alone.bin", alone);
    fx.origin.put("/empty.bin", empty);
    fx.origin.put("/failing.bin", failing);
    toys.put("/empty.bin", MemorySource.holding(empty.bytes(), 0));
    toys.put("/failing.bin", MemorySource.failing(failing.bytes(), failing.size()));

    // No clock moves: waiting for the delay would never end.
    finish(start("/alone.bin", Map.of()), "/alone.bin", alone);
    finish(start("/empty.bin", Map.of()), "/empty.bin", empty);
    finish(start("/failing.bin", Map.of()), "/failing.bin", failing);
    assertThat(events.bytes(SourceKind.ORIGIN))
        .isEqualTo(alone.size() + empty.size() + failing.size());
    assertThat(events.failed(MemorySource.KIND)).isPositive();
  }

  @Test
  void aPeerSlowerThanTheMinimumIsToppedUpFromTheOriginWithinTheDelay() {
    fx = new EngineFixture(tmp, config().withHttpDelays(HOUR, Duration.ZERO));
    Content content = Content.random(8L * MIB, 97);
    fx.origin.put("/slow.bin", content);
    toys.put("/slow.bin", new SlowSource(content, 256 * 1024));
    BackgroundCopyJob job =
        start(
            "/slow.bin",
            Map.of(JobPropertyId.MIN_BACKGROUND_QOS, new JobPropertyValue.Uint64(100L * MIB)));

    // A second of the engine's time every tenth of a real one: the toy gives ~25 KiB a second.
    await()
        .atMost(EngineFixture.PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          clock.advance(Duration.ofSeconds(1));
          return events.bytes(SourceKind.ORIGIN) > 0;
        });
    assertThat(clock.nanoTime()).as("still within the delay").isLessThan(HOUR.toNanos());
    finish(job, "/slow.bin", content);
  }

  @Test
  void aPeerFasterThanTheMinimumIsNotToppedUp() {
    fx = new EngineFixture(tmp, config().withHttpDelays(HOUR, Duration.ZERO));
    Content content = Content.random(4L * MIB, 98);
    fx.origin.put("/fast.bin", content);
    toys.put("/fast.bin", new SlowSource(content, 512 * 1024));
    BackgroundCopyJob job =
        start(
            "/fast.bin",
            Map.of(JobPropertyId.MIN_BACKGROUND_QOS, new JobPropertyValue.Uint64(1000)));

    // As above: the toy gives ~50 KiB per second of the engine's time, far above 1,000 B/s.
    await()
        .atMost(EngineFixture.PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          clock.advance(Duration.ofSeconds(1));
          return job.state() == JobState.TRANSFERRED;
        });
    finish(job, "/fast.bin", content);
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
    assertThat(events.bytes(MemorySource.KIND)).isEqualTo(content.size());
  }

  @Test
  void theJobsValuesSurviveARestart() {
    fx = new EngineFixture(tmp, config());
    fx.origin.put("/keep.bin", Content.random(1024, 99));
    BackgroundCopyJob job = fx.alice().createJob("keep");
    job.addFile(fx.origin.url("/keep.bin"), fx.download("keep.bin").toString());
    EngineFixture.assertHResult(() -> job.getProperty(JobPropertyId.HTTP_DELAY), HResult.E_NOT_SET);
    EngineFixture.assertHResult(
        () -> job.getProperty(JobPropertyId.MIN_BACKGROUND_QOS), HResult.E_NOT_SET);
    // DO's delays go up to 4,294,967,295 s: the Dword's -1, read unsigned.
    job.setProperty(JobPropertyId.HTTP_DELAY, new JobPropertyValue.Dword(-1));
    job.setProperty(JobPropertyId.MIN_BACKGROUND_QOS, new JobPropertyValue.Uint64(2_560_000));
    EngineFixture.assertHResult(
        () -> job.setProperty(JobPropertyId.HTTP_DELAY, new JobPropertyValue.Uint64(3)),
        HResult.E_INVALIDARG);
    assertThat(JobPropertyId.of(1007)).isEqualTo(JobPropertyId.HTTP_DELAY);
    assertThat(JobPropertyId.of(1008)).isEqualTo(JobPropertyId.MIN_BACKGROUND_QOS);

    fx.restart();
    BackgroundCopyJob again = fx.alice().getJob(job.id());
    assertThat(again.getProperty(JobPropertyId.HTTP_DELAY))
        .isEqualTo(new JobPropertyValue.Dword(-1));
    assertThat(again.getProperty(JobPropertyId.MIN_BACKGROUND_QOS))
        .isEqualTo(new JobPropertyValue.Uint64(2_560_000));
    again.cancel();
  }

  @Test
  void aDoDownloadsPropertiesOfTheSameNumbersHoldItsOriginBack() throws Exception {
    fx = new EngineFixture(tmp, config());
    Content content = Content.random(4L * MIB, 100);
    fx.origin.put("/do.bin", content);
    toys.put("/do.bin", MemorySource.holding(content.bytes(), content.size()));
    Path target = fx.download("do.bin");
    Download download = DeliveryManager.of(fx.alice()).createDownload();
    download.setProperty(DownloadProperty.URI, fx.origin.url("/do.bin"));
    download.setProperty(DownloadProperty.LOCAL_PATH, target.toString());
    assertThat(DownloadProperty.HTTP_DELAY.value()).isEqualTo(JobPropertyId.HTTP_DELAY.value());
    assertThat(DownloadProperty.MIN_BACKGROUND_QOS.value())
        .isEqualTo(JobPropertyId.MIN_BACKGROUND_QOS.value());
    download.setProperty(DownloadProperty.HTTP_DELAY, 3600);
    download.setProperty(DownloadProperty.MIN_BACKGROUND_QOS, 0L);
    assertThat(download.getProperty(DownloadProperty.HTTP_DELAY)).isEqualTo(3600);
    assertThat(download.getProperty(DownloadProperty.MIN_BACKGROUND_QOS)).isEqualTo(0L);

    download.start();
    Jobs.awaitState(download, DownloadState.TRANSFERRED);
    download.finalizeDownload();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
    assertThat(fx.origin.bytesServed("/do.bin")).isLessThanOrEqualTo(1);
  }

  /**
   * A toy peer that has the whole file and sends it at about {@code bytesPerSecond}, in real time,
   * for whatever version it is asked for.
   */
  private static final class SlowSource implements Source {
    private final MemorySource memory;
    private final long bytesPerSecond;

    SlowSource(Content content, long bytesPerSecond) {
      this.memory = MemorySource.holding(content.bytes(), content.size());
      this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public SourceKind kind() {
      return MemorySource.KIND;
    }

    @Override
    public String protocol() {
      return "memory";
    }

    @Override
    public long available(URI uri, long offset) {
      return memory.available(uri, offset);
    }

    @Override
    public SourceResponse open(SourceRequest request) throws TransferFailure {
      SourceResponse response = memory.open(request);
      InputStream body;
      try {
        body = response.body();
      } catch (IOException e) {
        throw memory.classify(e, "opening the toy's body");
      }
      long start = System.nanoTime();
      InputStream paced =
          new FilterInputStream(body) {
            private long sent;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              long due = start + sent * 1_000_000_000L / bytesPerSecond;
              long wait = due - System.nanoTime();
              if (wait > 0) {
                LockSupport.parkNanos(wait);
              }
              int n = super.read(b, off, Math.min(len, 16 * 1024));
              if (n > 0) {
                sent += n;
              }
              return n;
            }
          };
      Validators known = request.known();
      return SourceResponse.of(response.start(), response.length(), known, paced);
    }

    @Override
    public TransferFailure classify(IOException e, String doing) {
      return memory.classify(e, doing);
    }
  }
}
