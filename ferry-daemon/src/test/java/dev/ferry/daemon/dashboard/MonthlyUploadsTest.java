package dev.ferry.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.metrics.FerryMetrics;
import dev.ferry.spi.SourceKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads count in the metrics and the month by kind of peer; at the cap, which counts Internet
 * peers alone as DO's does, those are served no more, and LAN and group peers still are.
 */
class MonthlyUploadsTest {
  @TempDir Path dir;

  @Test
  void uploadsCountAndTheCapStopsThem() {
    try (FerryMetrics metrics = FerryMetrics.create()) {
      MonthlyUploads uploads = new MonthlyUploads(metrics);
      assertThat(uploads.mayUpload(SourceKind.PEER))
          .as("no month kept yet: nothing to hold back")
          .isTrue();
      Clock clock = Clock.fixed(Instant.parse("2025-07-10T10:00:00Z"), ZoneOffset.UTC);
      UsageSampler sampler =
          new UsageSampler(
              () -> Amounts.totalsOf(metrics), DailyUsage.load(dir.resolve("u.json")), clock, 5000);
      uploads.bind(sampler);

      uploads.uploaded(SourceKind.PEER, 3000);
      uploads.uploaded(SourceKind.LAN_PEER, 9000);
      uploads.uploaded(SourceKind.GROUP_PEER, 100);
      assertThat(metrics.uploadedBytes()).isEqualTo(12100);
      assertThat(metrics.uploadedBytes("lan")).isEqualTo(9000);
      assertThat(sampler.uploadedThisMonth()).isEqualTo(12100);
      assertThat(sampler.uploadedToInternetThisMonth()).isEqualTo(3000);
      assertThat(sampler.uploadCapReached()).as("LAN and group peers do not count").isFalse();
      uploads.uploaded(SourceKind.PEER, 2000);
      assertThat(sampler.uploadCapReached()).isTrue();
      assertThat(sampler.view(Long.MIN_VALUE).uploadedToInternetThisMonth()).isEqualTo(5000);
      assertThat(sampler.view(Long.MIN_VALUE).uploadedThisMonth()).isEqualTo(14100);
      MonthlyUploads fresh = new MonthlyUploads(metrics);
      fresh.bind(sampler);
      assertThat(fresh.mayUpload(SourceKind.PEER)).isFalse();
      assertThat(fresh.mayUpload(SourceKind.LAN_PEER)).isTrue();
      assertThat(fresh.mayUpload(SourceKind.GROUP_PEER)).isTrue();
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
      assertThat(uploads.mayUpload(SourceKind.PEER)).as("the cap is reached already").isFalse();
    }
  }
}
