package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadRange;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.engine.Ferry;
import dev.ferry.engine.job.JobEngine;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The download contract against the embedded engine: the reference behaviour. */
class EmbeddedDownloadContractTest extends DownloadContract {
  private JobEngine engine;

  @Override
  protected DeliveryManager open(Path dataDir) {
    engine = TestSupport.openEngine(dataDir);
    return engine.deliveryManager(Ferry.currentUser());
  }

  @Override
  protected void shutDown() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void aStreamSinkReceivesTheBytesInProcess(TestInfo info) {
    Download download = delivery.createDownload();
    download.setProperty(
        DownloadProperty.URI,
        origin.url("/" + info.getTestMethod().orElseThrow().getName() + ".bin"));
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    download.setProperty(DownloadProperty.STREAM_INTERFACE, DownloadSink.of(received));
    download.start(List.of(DownloadRange.wholeFile()));
    await().atMost(TestSupport.PATIENCE).until(() -> download.status().isComplete());
    assertThat(received.size()).isEqualTo(SIZE);
    download.finalizeDownload();
    assertThat(download.status().state()).isEqualTo(DownloadState.FINALIZED);
  }
}
