package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.testkit.CacheNode;
import dev.ferry.testkit.Content;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache-server client against the cache node Ferry ships (dist/cache-node: a real nginx, run by
 * scripts/cache-node): the rewritten requests are what the node understands, downloads through it
 * are byte-exact, and a second download of the file is served by the node, not by the origin.
 */
class ThroughACacheNodeTest {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private EngineFixture fx;
  private CacheNode node;

  @BeforeEach
  void start() {
    fx = new EngineFixture(tmp, EngineFixture.testConfig());
    // The client names the origin by its host alone, as DO's agent does; the node fetches that
    // host from the test origin's port.
    node =
        CacheNode.allowing("127.0.0.1=127.0.0.1:" + fx.origin.port())
            .slice("1m")
            .size("256m")
            .start();
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void aSecondDownloadComesFromTheNodeNotTheOrigin() {
    Content content = Content.random(64L * MIB, 91);
    fx.origin.put("/dist/big.bin", content);

    SwarmStats first = download("first", content);
    long afterFirst = fx.origin.bytesServed("/dist/big.bin");
    SwarmStats second = download("second", content);
    long bySecond = fx.origin.bytesServed("/dist/big.bin") - afterFirst;

    assertThat(first.bytesFromCacheServer()).isEqualTo(content.size());
    assertThat(second.bytesFromCacheServer()).isEqualTo(content.size());
    assertThat(second.bytesFromOrigin()).isZero();
    assertThat(second.bytesFromHttp()).as("as DO counts").isEqualTo(second.bytesFromCacheServer());
    assertThat(second.cacheHost()).isEqualTo(node.host());
    // The node fetched each slice once (a slice whose lock timed out on a slow machine may be
    // fetched twice), and the client asked the origin nothing: the node told it the version.
    assertThat(afterFirst).isLessThanOrEqualTo(content.size() + 2L * MIB);
    assertThat(bySecond).as("origin bytes for the second download").isZero();
  }

  /** One job for the file through the node; its statistics once transferred. */
  private SwarmStats download(String name, Content content) {
    Path target = fx.download(name + ".bin");
    BackgroundCopyJob job = fx.alice().createJob(name);
    job.addFile(fx.origin.url("/dist/big.bin"), target.toString());
    job.setProperty(JobPropertyId.CACHE_HOSTS, new JobPropertyValue.Text(node.host()));
    job.setProperty(JobPropertyId.CACHE_FALLBACK_DELAY, new JobPropertyValue.Dword(-1));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    SwarmStats stats = DeliveryOptimizationFile.of(job.files().get(0)).getStats();
    job.complete();
    assertThat(EngineFixture.sha256(target)).as("byte-exact").isEqualTo(content.sha256());
    return stats;
  }
}
