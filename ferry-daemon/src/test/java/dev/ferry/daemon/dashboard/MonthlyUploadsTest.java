package dev.ferry.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.metrics.FerryMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads count in the metrics and the month; at the cap, peers are served no more. */
class MonthlyUploadsTest {
  @TempDir Path dir;

  @Test
  void uploadsCountAndTheCapStopsThem() {
    try (FerryMetrics metrics = FerryMetrics.create()) {
      MonthlyUploads uploads = new MonthlyUploads(metrics);
      assertThat(uploads.mayUpload()).as("no month kept yet: nothing to hold back").isTrue();
      Clock clock = Clock.fixed(Instant.parse("2025-07-10T10:00:00Z"), ZoneOffset.UTC);
      UsageSampler sampler =
          new UsageSampler(
              () -> Amounts.totalsOf(metrics), DailyUsage.load(dir.resolve("u.json")), clock, 5000);
      uploads.bind(sampler);

      uploads.uploaded(3000);
      assertThat(metrics.uploadedBytes()).isEqualTo(3000);
      assertThat(sampler.uploadedThisMonth()).isEqualTo(3000);
      assertThat(sampler.uploadCapReached()).isFalse();
      uploads.uploaded(2000);
      assertThat(sampler.uploadCapReached()).isTrue();
      assertThat(sampler.view(Long.MIN_VALUE).uploadedThisMonth()).isEqualTo(5000);
    }
  }

  @Test
  void aFreshAccountAsksTheSamplerAtOnce() {
    try (FerryMetrics metrics = FerryMetrics.create()) {
      MonthlyUploads uploads = new MonthlyUploads(metrics);
      Clock clock = Clock.fixed(Instant.parse("2025-07-10T10:00:00Z"), ZoneOffset.UTC);
      UsageSampler sampler =
          new UsageSampler(
              () -> Amounts.totalsOf(metrics), DailyUsage.load(dir.resolve("v.json")), clock, 100);
      metrics.peerUploaded("internet", 100);
      uploads.bind(sampler);
      assertThat(uploads.mayUpload()).as("the cap is reached already").isFalse();
    }
  }
}
