package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceProvider;
import dev.ferry.testkit.Content;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job properties GROUP_ID (1009) and TRACKERS (1010), a download's own scope for peers: checked
 * when set (E_INVALIDARG saying why), kept across a restart, handed to source providers, and a DO
 * download's properties of the same numbers.
 */
class PeerScopePropertiesTest {
  private static final String GROUP = "6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70";

  @TempDir Path tmp;
  private EngineFixture fx;

  /** What each file's sources were asked with, by the file's path. */
  private final Map<String, FileRef> asked = new ConcurrentHashMap<>();

  private final SourceProvider recorder =
      new SourceProvider() {
        @Override
        public List<Source> sourcesFor(FileRef file) {
          asked.put(file.uri().getPath(), file);
          return List.of();
        }
      };

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private BackgroundCopyJob job(String name) {
    fx.origin.put("/" + name, Content.random(1024, 7));
    BackgroundCopyJob job = fx.alice().createJob(name);
    job.addFile(fx.origin.url("/" + name), fx.download(name).toString());
    return job;
  }

  @Test
  void unsetTheMachinesApply() {
    fx = new EngineFixture(tmp);
    BackgroundCopyJob job = job("unset.bin");
    EngineFixture.assertHResult(() -> job.getProperty(JobPropertyId.GROUP_ID), HResult.E_NOT_SET);
    assertThat(job.getProperty(JobPropertyId.TRACKERS)).isEqualTo(new JobPropertyValue.Text(""));
    assertThat(JobPropertyId.of(1009)).isEqualTo(JobPropertyId.GROUP_ID);
    assertThat(JobPropertyId.of(1010)).isEqualTo(JobPropertyId.TRACKERS);
    job.cancel();
  }

  @Test
  void badValuesAreRefusedSayingWhy() {
    fx = new EngineFixture(tmp);
    BackgroundCopyJob job = job("bad.bin");
    assertRefused(
        () -> job.setProperty(JobPropertyId.GROUP_ID, text("my-group")),
        "'my-group' is not a GUID (8-4-4-4-12 hex digits)");
    assertRefused(
        () -> job.setProperty(JobPropertyId.GROUP_ID, text("6a1f0d4e-8c2b-4f61-9b7a")),
        "is not a GUID");
    assertRefused(
        () ->
            job.setProperty(
                JobPropertyId.TRACKERS, text("http://t.lan/announce,ftp://t.lan/announce")),
        "'ftp://t.lan/announce' is not a tracker's announce URL");
    assertRefused(
        () -> job.setProperty(JobPropertyId.TRACKERS, text("udp://t.lan")),
        "a UDP tracker's URL needs its port");
    assertRefused(
        () -> job.setProperty(JobPropertyId.GROUP_ID, new JobPropertyValue.Dword(1)),
        "GROUP_ID takes a Text value");
    // Nothing was set by the refusals.
    EngineFixture.assertHResult(() -> job.getProperty(JobPropertyId.GROUP_ID), HResult.E_NOT_SET);
    assertThat(job.getProperty(JobPropertyId.TRACKERS)).isEqualTo(text(""));
    job.cancel();
  }

  @Test
  void theJobsValuesSurviveARestartAndReachItsSources() {
    fx = new EngineFixture(tmp, EngineFixture.testConfig().withSourceProviders(recorder));
    BackgroundCopyJob job = job("keep.bin");
    // Braces and capitals are DO's way of writing a GUID; the job keeps the plain form.
    job.setProperty(JobPropertyId.GROUP_ID, text("{" + GROUP.toUpperCase() + "}"));
    job.setProperty(
        JobPropertyId.TRACKERS, text(" http://t.lan:6969/announce , ,udp://10.0.0.4:6969 "));
    assertThat(job.getProperty(JobPropertyId.GROUP_ID)).isEqualTo(text(GROUP));
    assertThat(job.getProperty(JobPropertyId.TRACKERS))
        .isEqualTo(text("http://t.lan:6969/announce,udp://10.0.0.4:6969"));

    fx.restart();
    BackgroundCopyJob again = fx.alice().getJob(job.id());
    assertThat(again.getProperty(JobPropertyId.GROUP_ID)).isEqualTo(text(GROUP));
    assertThat(again.getProperty(JobPropertyId.TRACKERS))
        .isEqualTo(text("http://t.lan:6969/announce,udp://10.0.0.4:6969"));
    again.resume();
    await().atMost(EngineFixture.PATIENCE).until(() -> asked.containsKey("/keep.bin"));
    FileRef file = asked.get("/keep.bin");
    assertThat(file.property(JobPropertyId.GROUP_ID)).contains(text(GROUP));
    assertThat(file.property(JobPropertyId.TRACKERS))
        .contains(text("http://t.lan:6969/announce,udp://10.0.0.4:6969"));

    // "" gives them back to the machine.
    again.setProperty(JobPropertyId.GROUP_ID, text(""));
    again.setProperty(JobPropertyId.TRACKERS, text(""));
    EngineFixture.assertHResult(() -> again.getProperty(JobPropertyId.GROUP_ID), HResult.E_NOT_SET);
    fx.restart();
    BackgroundCopyJob cleared = fx.alice().getJob(job.id());
    EngineFixture.assertHResult(
        () -> cleared.getProperty(JobPropertyId.GROUP_ID), HResult.E_NOT_SET);
    assertThat(cleared.getProperty(JobPropertyId.TRACKERS)).isEqualTo(text(""));
    cleared.cancel();
  }

  @Test
  void aDoDownloadsPropertiesOfTheSameNumbersSetTheJobs() {
    fx = new EngineFixture(tmp, EngineFixture.testConfig().withSourceProviders(recorder));
    fx.origin.put("/do.bin", Content.random(2048, 8));
    Download download = DeliveryManager.of(fx.alice()).createDownload();
    download.setProperty(DownloadProperty.URI, fx.origin.url("/do.bin"));
    download.setProperty(DownloadProperty.LOCAL_PATH, fx.download("do.bin").toString());
    assertThat(DownloadProperty.GROUP_ID.value()).isEqualTo(JobPropertyId.GROUP_ID.value());
    assertThat(DownloadProperty.TRACKERS.value()).isEqualTo(JobPropertyId.TRACKERS.value());
    EngineFixture.assertHResult(
        () -> download.getProperty(DownloadProperty.GROUP_ID), HResult.E_NOT_SET);
    assertRefused(
        () -> download.setProperty(DownloadProperty.GROUP_ID, "not-a-guid"), "is not a GUID");
    assertRefused(
        () -> download.setProperty(DownloadProperty.TRACKERS, "wss://t.lan/"),
        "is not a tracker's announce URL");
    download.setProperty(DownloadProperty.GROUP_ID, "{" + GROUP + "}");
    download.setProperty(DownloadProperty.TRACKERS, "udp://127.0.0.1:6969");
    assertThat(download.getProperty(DownloadProperty.GROUP_ID)).isEqualTo("{" + GROUP + "}");
    assertThat(download.getProperty(DownloadProperty.TRACKERS)).isEqualTo("udp://127.0.0.1:6969");

    download.start();
    await().atMost(EngineFixture.PATIENCE).until(() -> asked.containsKey("/do.bin"));
    FileRef file = asked.get("/do.bin");
    assertThat(file.property(JobPropertyId.GROUP_ID)).contains(text(GROUP));
    assertThat(file.property(JobPropertyId.TRACKERS)).contains(text("udp://127.0.0.1:6969"));
    download.abort();
  }

  private static JobPropertyValue.Text text(String value) {
    return new JobPropertyValue.Text(value);
  }

  private static void assertRefused(EngineFixture.Call call, String message) {
    assertThatThrownBy(call::call)
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.E_INVALIDARG)).isTrue())
        .hasMessageContaining(message);
  }
}
