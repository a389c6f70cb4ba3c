package dev.ferry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.api.JobType;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Jobs;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics of a real embedded engine and a real origin: the values follow a transfer and a
 * failure, and every label stays in its bounded set, whatever the jobs, URLs and users.
 */
class FerryMetricsTest {
  /** Every label a meter of ours may have, with what bounds its values. */
  private static final Map<String, String> LABELS =
      Map.of(
          "kind", "[a-z][a-z0-9_-]{0,31}",
          "state", "queued|connecting|transferring|suspended|error|transient_error|transferred",
          "priority", "foreground|high|normal|low",
          "hresult", "0x[0-9A-F]{8}",
          "scope", "global|foreground|background|background_while_foreground|background_in_force",
          "synchronous", "full|normal",
          "method", "[A-Z]+",
          "route", "none|/[-a-z0-9/{}]*",
          "status", "[1-5][0-9][0-9]");

  private static final JobOwner USER = new JobOwner(4242, "metrics-test-user");

  Path dir;
  TestOrigin origin;
  FerryMetrics metrics;
  Engine engine;

  @BeforeEach
  void open() {
    dir = TestFiles.shortTempDir("fm");
    origin = TestOrigin.start();
    metrics = FerryMetrics.create();
    engine =
        Ferry.open(
            dir.resolve("data"),
            EngineConfig.defaults()
                .withReadTimeout(Duration.ofSeconds(3))
                .withTransferEvents(metrics.transferEvents())
                .withStoreEvents(metrics.storeEvents()));
    metrics.bind(engine);
  }

  @AfterEach
  void close() {
    metrics.close();
    engine.close();
    origin.close();
    TestFiles.deleteTree(dir);
  }

  @Test
  void countsATransferAndAFailureWithBoundedLabels() {
    Content content = Content.random(3 << 20, 7);
    origin.put("/files/some-user-file.bin", content);
    BackgroundCopyManager manager = engine.manager(USER);
    BackgroundCopyJob job = manager.createJob("metrics", JobType.DOWNLOAD);
    job.addFile(origin.url("/files/some-user-file.bin"), dir.resolve("a.bin").toString());
    job.resume();
    Jobs.awaitState(job, JobState.TRANSFERRED);

    BackgroundCopyJob broken = manager.createJob("broken", JobType.DOWNLOAD);
    origin.put("/files/gone.bin", Content.random(1000, 8));
    origin.fault("/files/gone.bin", Fault.status(404));
    broken.addFile(origin.url("/files/gone.bin"), dir.resolve("b.bin").toString());
    broken.resume();
    Jobs.awaitState(broken, JobState.ERROR);
    metrics.apiRequest("GET", "/v1/jobs/{id}", 200, 1_000_000);

    metrics.scrape();
    var registry = metrics.registry();
    assertThat(registry.get("ferry.source.received").tag("kind", "origin").counter().count())
        .isEqualTo(content.size());
    assertThat(registry.get("ferry.pieces.verified").tag("kind", "origin").counter().count())
        .isZero();
    assertThat(
            registry
                .get("ferry.job.errors")
                .tag("hresult", FerryMetrics.hex(HResult.httpError(404)))
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("ferry.jobs")
                .tag("state", "transferred")
                .tag("priority", "normal")
                .gauge()
                .value())
        .isEqualTo(1);
    assertThat(
            registry
                .get("ferry.jobs")
                .tag("state", "error")
                .tag("priority", "normal")
                .gauge()
                .value())
        .isEqualTo(1);
    assertThat(registry.get("ferry.store.write").tag("synchronous", "full").timer().count())
        .isPositive();
    assertThat(registry.get("ferry.peer.uploaded").tag("kind", "lan").counter().count()).isZero();

    String exposition = metrics.scrape();
    Set<String> forbidden = new HashSet<>(List.of(job.id().toString(), broken.id().toString()));
    forbidden.addAll(
        List.of("127.0.0.1", "some-user-file", "gone.bin", USER.name(), dir.toString()));
    for (String value : forbidden) {
      assertThat(exposition).as("the exposition names " + value).doesNotContain(value);
    }
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        assertThat(LABELS)
            .as("the label %s of %s", tag.getKey(), meter.getId().getName())
            .containsKey(tag.getKey());
        assertThat(tag.getValue())
            .as("the label %s of %s", tag.getKey(), meter.getId().getName())
            .matches(LABELS.get(tag.getKey()));
      }
    }
  }

  @Test
  void aTransientFailureIsARetryAndAnError() {
    origin.put("/busy.bin", Content.random(1000, 9));
    origin.fault("/busy.bin", Fault.status(503));
    BackgroundCopyJob job = engine.manager(USER).createJob("busy", JobType.DOWNLOAD);
    job.addFile(origin.url("/busy.bin"), dir.resolve("c.bin").toString());
    job.resume();
    Jobs.awaitState(job, JobState.TRANSIENT_ERROR);

    metrics.scrape();
    var registry = metrics.registry();
    assertThat(registry.get("ferry.job.retries").counter().count()).isEqualTo(1);
    assertThat(
            registry
                .get("ferry.job.errors")
                .tag("hresult", FerryMetrics.hex(HResult.httpError(503)))
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("ferry.jobs")
                .tag("state", "transient_error")
                .tag("priority", "normal")
                .gauge()
                .value())
        .isEqualTo(1);
    job.cancel();
    metrics.scrape();
    assertThat(registry.get("ferry.jobs").tag("state", "transient_error").gauges())
        .allSatisfy(g -> assertThat(g.value()).isZero());
  }

  @Test
  void namesFollowPrometheusConventions() {
    String exposition = metrics.scrape();
    assertThat(exposition)
        .contains("ferry_source_received_bytes_total{kind=\"origin\"} 0")
        .contains("ferry_peer_uploaded_bytes_total{kind=\"internet\"} 0")
        .contains("ferry_jobs{priority=\"foreground\",state=\"queued\"} 0")
        .contains("ferry_bandwidth_cap_bytes_per_second{scope=\"global\"} +Inf")
        .contains("ferry_store_write_seconds_count{synchronous=\"full\"}")
        .contains("ferry_job_retries_total 0");
  }
}
