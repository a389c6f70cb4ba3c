package dev.ferry.client;

import static dev.ferry.client.TestSupport.assertHResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.testkit.Ferryd;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The same download contract through {@link FerryClient} and a real ferryd process. */
class DaemonDownloadContractTest extends DownloadContract {
  private Ferryd daemon;
  private BackgroundCopyManager client;

  @Override
  protected DeliveryManager open(Path dataDir) {
    daemon = TestSupport.startDaemon(dir.resolve("d.sock"), dataDir);
    client = FerryClient.connect(daemon.socket());
    return DeliveryManager.of(client);
  }

  @Override
  protected void shutDown() {
    if (client != null) {
      client.close();
    }
    if (daemon != null) {
      assertThat(daemon.terminate()).as("ferryd exits 0 on SIGTERM").isZero();
    }
  }

  @Test
  void aStreamSinkCannotCrossTheSocket(TestInfo info) {
    Download download = download(info);
    DownloadSink sink = (offset, bytes) -> {};
    FerryException refused =
        assertHResult(
            () -> download.setProperty(DownloadProperty.STREAM_INTERFACE, sink),
            HResult.E_INVALIDARG);
    assertThat(refused.getMessage()).contains("cannot be handed to ferryd");
  }

  @Test
  void anotherClientSeesTheDownloadButNotThisProcesssCallback(TestInfo info) {
    Download download = download(info);
    download.setProperty(
        DownloadProperty.CALLBACK_INTERFACE,
        (dev.ferry.api.delivery.DownloadStatusCallback) (d, s) -> {});
    try (BackgroundCopyManager other = FerryClient.connect(daemon.socket())) {
      Download seen =
          DeliveryManager.of(other).enumDownloads().stream()
              .filter(d -> d.id().equals(download.id()))
              .findFirst()
              .orElseThrow();
      assertThat(seen.getProperty(DownloadProperty.URI))
          .isEqualTo(download.getProperty(DownloadProperty.URI));
      assertHResult(() -> seen.getProperty(DownloadProperty.CALLBACK_INTERFACE), HResult.E_NOT_SET);
    }
  }

  @Test
  void anUnknownIdIsNotFound() {
    assertThat(
            DeliveryManager.of(client)
                .enumDownloads(
                    new dev.ferry.api.delivery.DownloadCategory(DownloadProperty.ID, "nope")))
        .isEmpty();
  }
}
