package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.PATIENCE;
import static dev.ferry.testkit.Jobs.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.delivery.DeliveryExtension;
import dev.ferry.delivery.DownloadPlacement;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DO downloads placed as Microsoft's Linux agent places them ({@link
 * DownloadPlacement#CREATED_IN_PLACE}): the first start creates the destination exclusively and the
 * bytes are written there; nothing already at that name is ever replaced.
 */
class CreatedInPlaceTest {
  private static final int ENOENT = HResult.fromErrno(2);
  private static final int EEXIST = HResult.fromErrno(17);

  @RegisterExtension private final EngineFixture fixture = new EngineFixture();
  private DeliveryManager agent;

  @BeforeEach
  void start() {
    agent = agentManager();
  }

  /** Downloads placed as Microsoft's Linux agent places them, for Alice. */
  private DeliveryManager agentManager() {
    return fixture
        .engine()
        .extension(DeliveryExtension.class)
        .orElseThrow()
        .manager(EngineFixture.ALICE, DownloadPlacement.CREATED_IN_PLACE);
  }

  private Download download(String path, String local) {
    Download download = agent.createDownload();
    download.setProperty(DownloadProperty.URI, fixture.origin.url(path));
    download.setProperty(DownloadProperty.LOCAL_PATH, local);
    return download;
  }

  /** A download of 4 MiB from a slow origin, started and past its first bytes. */
  private Download startSlowly(String path, Path local) {
    fixture.origin.put(path, Content.random(4 << 20, path.hashCode()));
    fixture.origin.fault(path, Fault.throttle(256 * 1024));
    Download download = download(path, local.toString());
    download.start(null);
    await().atMost(PATIENCE).until(() -> download.status().bytesTransferred() > 0);
    return download;
  }

  private static int errorOf(Runnable call) {
    try {
      call.run();
    } catch (FerryException e) {
      return e.hresult();
    }
    throw new AssertionError("no error");
  }

  private String[] names() throws IOException {
    try (Stream<Path> files = Files.list(fixture.downloads)) {
      return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void theFirstStartCreatesTheFileAndTheBytesGoStraightThere() throws IOException {
    Content content = Content.random(3 << 20, 1);
    fixture.origin.put("/a.bin", content);
    Path local = fixture.downloads.resolve("a.bin");
    Download download = download("/a.bin", local.toString());
    assertThat(Files.exists(local)).isFalse();

    download.start(null);
    assertThat(Files.exists(local)).as("created by start").isTrue();
    awaitState(download, DownloadState.TRANSFERRED);
    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    assertThat(names()).containsExactly("a.bin");

    download.finalizeDownload();
    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    assertThat(names()).containsExactly("a.bin");
  }

  @Test
  void anythingAlreadyThereFailsTheStartAndIsLeftAlone() throws IOException {
    fixture.origin.put("/b.bin", Content.random(1 << 20, 2));
    Path existing = Files.writeString(fixture.downloads.resolve("existing.txt"), "mine\n");
    Path aim = fixture.dir.resolve("aim.txt");
    Path link = Files.createSymbolicLink(fixture.downloads.resolve("link.txt"), aim);

    for (Path taken : new Path[] {existing, link, fixture.downloads}) {
      Download download = download("/b.bin", taken.toString());
      assertThat(errorOf(() -> download.start(null))).as("%s", taken).isEqualTo(EEXIST);
      assertThat(download.status().state()).isEqualTo(DownloadState.CREATED);
      download.abort();
    }
    assertThat(Files.readString(existing)).isEqualTo("mine\n");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.exists(aim)).isFalse();
  }

  @Test
  void aMissingDirectoryOrARelativePathIsENOENTAtStart() {
    fixture.origin.put("/c.bin", Content.random(1 << 20, 3));
    Path missing = fixture.downloads.resolve("no-such-dir").resolve("c.bin");
    Download inMissing = download("/c.bin", missing.toString());
    assertThat(errorOf(() -> inMissing.start(null))).isEqualTo(ENOENT);
    assertThat(Files.exists(missing.getParent())).as("no directory is made").isFalse();

    Download relative = download("/c.bin", "relative/c.bin");
    assertThat(errorOf(() -> relative.start(null))).isEqualTo(ENOENT);
    inMissing.abort();
    relative.abort();
  }

  @Test
  void aFileDeletedWhilePausedFailsTheNextStart() throws IOException {
    Path local = fixture.downloads.resolve("d.bin");
    Download download = startSlowly("/d.bin", local);
    download.pause();
    Files.delete(local);

    assertThat(errorOf(() -> download.start(null))).isEqualTo(ENOENT);
    assertThat(Files.exists(local)).as("never made anew").isFalse();
    assertThat(download.status().state()).isEqualTo(DownloadState.PAUSED);
    download.abort();
  }

  @Test
  void abortDeletesTheFileTheDownloadCreated() throws IOException {
    Download download = startSlowly("/e.bin", fixture.downloads.resolve("e.bin"));
    download.abort();
    assertThat(names()).isEmpty();
  }

  @Test
  void aNonVolatileDownloadGoesOnInItsFileAfterARestart() throws IOException {
    Content content = Content.random(4 << 20, 6);
    fixture.origin.put("/f.bin", content);
    fixture.origin.fault("/f.bin", Fault.throttle(512 * 1024));
    Path local = fixture.downloads.resolve("f.bin");
    Download download = download("/f.bin", local.toString());
    download.setProperty(DownloadProperty.NON_VOLATILE, true);
    String id = download.id();
    download.start(null);
    await().atMost(PATIENCE).until(() -> download.status().bytesTransferred() > 1 << 20);
    download.pause();

    fixture.restart();
    fixture.origin.clearFaults("/f.bin");
    agent = agentManager();
    Download again =
        agent.enumDownloads(null).stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    again.start(null);
    awaitState(again, DownloadState.TRANSFERRED);
    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    assertThat(fixture.origin.requests("/f.bin"))
        .as("the restarted transfer asked for the rest only")
        .anySatisfy(r -> assertThat(r.range()).isPresent());
    again.finalizeDownload();
    assertThat(names()).containsExactly("f.bin");
  }

  @Test
  void theNoProgressTimeoutMayBeAsShortAsTheAgentsTenSeconds() {
    Download created = download("/h.bin", fixture.downloads.resolve("h.bin").toString());
    created.setProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS, 10);
    assertThat(created.getProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS)).isEqualTo(10);
    assertThat(errorOf(() -> created.setProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS, 9)))
        .isEqualTo(HResult.E_INVALIDARG.value());
    Download staged = DeliveryManager.of(fixture.alice()).createDownload();
    assertThat(errorOf(() -> staged.setProperty(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS, 10)))
        .as("Ferry's own DO API keeps its floor of 60 s")
        .isEqualTo(HResult.E_INVALIDARG.value());
  }

  /** On the engine's clock: the agent retries after 2, 4, 8 and 16 seconds, then every 30. */
  @Test
  void aRetryingDownloadWaitsAsTheAgentDoes() {
    FakeClock clock = new FakeClock(java.time.Instant.parse("2026-12-07T09:00:00Z"));
    fixture.restart(EngineFixture.testConfig().withClock(clock));
    agent = agentManager();
    Content content = Content.random(200_000, 8);
    fixture.origin.put("/retry.bin", content);
    fixture.origin.fault("/retry.bin", Fault.status(503));
    Path local = fixture.downloads.resolve("retry.bin");
    Download download = download("/retry.bin", local.toString());
    download.start(null);
    awaitRetrying(download, "/retry.bin", 1);

    int requests = 1;
    for (long wait : new long[] {2, 4, 8, 16, 30, 30}) {
      // A second short of the delay, nothing happens; at the delay, the next attempt comes.
      clock.advance(Duration.ofSeconds(wait - 1));
      int before = requests;
      await()
          .during(Duration.ofMillis(300))
          .atMost(PATIENCE)
          .until(() -> fixture.origin.requests("/retry.bin").size() == before);
      clock.advance(Duration.ofSeconds(1));
      awaitRetrying(download, "/retry.bin", ++requests);
    }
    fixture.origin.clearFaults("/retry.bin");
    clock.advance(Duration.ofSeconds(30));
    awaitState(download, DownloadState.TRANSFERRED);
    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
  }

  /** Waits until the origin has seen {@code count} requests and the download waits to retry. */
  private void awaitRetrying(Download download, String path, int count) {
    await(count + " requests, then a wait to retry")
        .atMost(PATIENCE)
        .until(() ->
            fixture.origin.requests(path).size() >= count
                && download.status().state() == DownloadState.PAUSED
                && download.status().extendedError() != 0);
    assertThat(fixture.origin.requests(path)).hasSize(count);
  }

  @Test
  void stagedDownloadsStillUseATemporaryFile() throws IOException {
    fixture.origin.put("/g.bin", Content.random(1 << 20, 7));
    fixture.origin.fault("/g.bin", Fault.throttle(128 * 1024));
    Path local = fixture.downloads.resolve("g.bin");
    Download download = DeliveryManager.of(fixture.alice()).createDownload();
    download.setProperty(DownloadProperty.URI, fixture.origin.url("/g.bin"));
    download.setProperty(DownloadProperty.LOCAL_PATH, local.toString());
    download.start(null);
    await().atMost(PATIENCE).until(() -> download.status().bytesTransferred() > 0);
    assertThat(Files.exists(local)).isFalse();
    assertThat(names()).singleElement().asString().startsWith(".ferry-").endsWith(".part");
    download.abort();
  }
}
