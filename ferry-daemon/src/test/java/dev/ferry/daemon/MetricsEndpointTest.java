package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static dev.ferry.daemon.DaemonFixture.awaitState;
import static dev.ferry.daemon.DaemonFixture.createJobWithFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real ferryd's {@code GET /metrics}, scraped over its socket and its TCP listener during and
 * after a real transfer from the test origin, and read with the Prometheus project's text parser:
 * the values move as the transfer does.
 */
class MetricsEndpointTest {
  private static final String RECEIVED = "ferry_source_received_bytes_total";
  private static final String JOBS = "ferry_jobs";
  private static final String REQUESTS = "ferry_api_requests_seconds_count";

  DaemonFixture fx;

  @BeforeEach
  void setUp() {
    Exposition.assumeParser();
    fx = new DaemonFixture();
  }

  @AfterEach
  void tearDown() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void theMetricsFollowATransfer() throws Exception {
    Content content = Content.random(6 << 20, 31);
    fx.origin.put("/metrics-file.bin", content);
    // Slow enough that scrapes see the transfer under way.
    fx.origin.fault("/metrics-file.bin", Fault.throttle(1_000_000));
    Path tokenFile = fx.dir.resolve("token");
    try (Ferryd daemon = fx.startDaemon("--tcp", "0", "--token-file", tokenFile.toString());
        UnixHttp http = UnixHttp.over(fx.socket)) {
      Exposition before = scrape(http);
      assertThat(before.sum(RECEIVED, "kind", "origin")).isZero();
      assertThat(before.sum(JOBS, "state", "transferring")).isZero();
      assertThat(before.typeOf("ferry_source_received_bytes")).isEqualTo("counter");
      assertThat(before.typeOf(JOBS)).isEqualTo("gauge");
      assertThat(before.typeOf("ferry_store_write_seconds")).isEqualTo("histogram");
      // Uploads to peers exist, at 0, before Ferry has peers.
      assertThat(before.has("ferry_peer_uploaded_bytes_total", "kind", "lan")).isTrue();
      assertThat(before.sum("ferry_peer_uploaded_bytes_total")).isZero();

      String id =
          createJobWithFile(
                  http, "measured", fx.origin.url("/metrics-file.bin"), fx.download("m.bin"))
              .id();
      http.post("/v1/jobs/" + id + "/resume", null);

      // During: some bytes from the origin, and the job counted as transferring.
      AtomicReference<Exposition> during = new AtomicReference<>();
      await("a scrape during the transfer")
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            Exposition now = scrape(http);
            during.set(now);
            return now.sum(JOBS, "state", "transferring") == 1
                && now.sum(RECEIVED, "kind", "origin") > 0;
          });
      assertThat(during.get().sum("ferry_source_connections_open", "kind", "origin"))
          .isBetween(0.0, 1.0);

      awaitState(http, id, "TRANSFERRED");
      Exposition after = scrape(http);
      assertThat(after.sum(RECEIVED, "kind", "origin")).isEqualTo(content.size());
      assertThat(after.sum(RECEIVED, "kind", "origin"))
          .isGreaterThanOrEqualTo(during.get().sum(RECEIVED, "kind", "origin"));
      assertThat(after.sum(JOBS, "state", "transferring")).isZero();
      assertThat(after.sum(JOBS, "state", "transferred", "priority", "normal")).isEqualTo(1);
      assertThat(after.sum("ferry_source_connections_open", "kind", "origin")).isZero();
      assertThat(after.sum("ferry_store_write_seconds_count")).isPositive();
      assertThat(after.sum("ferry_bandwidth_cap_bytes_per_second", "scope", "global"))
          .isEqualTo(Double.POSITIVE_INFINITY);

      // Requests are counted by route template: the job's route, never its id.
      double jobReads = after.sum(REQUESTS, "method", "GET", "route", "/v1/jobs/{id}");
      assertThat(jobReads).isPositive();
      http.get("/v1/jobs/" + id);
      Exposition later = scrape(http);
      assertThat(later.sum(REQUESTS, "method", "GET", "route", "/v1/jobs/{id}"))
          .isGreaterThan(jobReads);
      assertThat(later.sum(REQUESTS, "method", "GET", "route", "/metrics", "status", "200"))
          .isGreaterThan(after.sum(REQUESTS, "method", "GET", "route", "/metrics"));
      for (Exposition.Sample sample : later.samples()) {
        assertThat(sample.labels().values())
            .as("the labels of %s", sample.name())
            .noneMatch(
                v -> v.contains(id) || v.contains("metrics-file") || v.contains("127.0.0.1"));
      }

      // Over TCP, with the bearer token as for the rest of the API, and refused without it.
      int port = DaemonFixture.tcpPort(daemon);
      String token = Files.readString(tokenFile).strip();
      try (UnixHttp tcp = UnixHttp.tcp(port)) {
        assertThat(tcp.get("/metrics").status()).isEqualTo(401);
        assertThat(tcp.get("/metrics", "Authorization", "Bearer " + "0".repeat(64)).status())
            .isEqualTo(401);
        UnixHttp.Response scraped = tcp.get("/metrics", "Authorization", "Bearer " + token);
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.contentType()).startsWith("text/plain; version=0.0.4");
        Exposition overTcp = Exposition.parse(scraped.body());
        assertThat(overTcp.sum(RECEIVED, "kind", "origin")).isEqualTo(content.size());
        // Refused before any route ran, so counted without one.
        assertThat(overTcp.sum(REQUESTS, "route", "none", "status", "401")).isEqualTo(2);
      }
      assertThat(daemon.terminate()).isZero();
    }
  }

  private static Exposition scrape(UnixHttp http) {
    UnixHttp.Response response = http.get("/metrics");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/plain; version=0.0.4");
    return Exposition.parse(response.body());
  }
}
