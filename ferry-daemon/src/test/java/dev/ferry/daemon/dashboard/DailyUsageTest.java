package dev.ferry.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.rest.UsageView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The month's totals survive a restart: written to their file, read back by the next daemon. */
class DailyUsageTest {
  @TempDir Path dir;

  @Test
  void samplesAddUpByDayAndSurviveARestart() throws Exception {
    Path file = dir.resolve("usage-days.json");
    AtomicReference<Amounts> counters = new AtomicReference<>(Amounts.ZERO);
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-03-30T23:59:50Z"));
    Clock clock = new MovingClock(now);

    UsageSampler first = new UsageSampler(counters::get, DailyUsage.load(file), clock, 0);
    counters.set(new Amounts(1000, 200, 0, 0, 0));
    first.sample();
    now.set(Instant.parse("2025-03-31T00:00:05Z"));
    counters.set(new Amounts(1500, 200, 300, 7, 11));
    first.sample();
    UsageView view = first.view(Long.MIN_VALUE);
    assertThat(view.samples()).hasSize(2);
    assertThat(view.samples().get(1).origin()).as("the interval's bytes").isEqualTo(500);
    first.close();
    assertThat(file).exists();
    assertThat(dir)
        .isDirectoryContaining(p -> p.equals(file))
        .satisfies(d -> {
          try (var files = Files.list(d)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
          }
        });

    // The next daemon's counters start at zero; its history starts empty, its month does not.
    UsageSampler second =
        new UsageSampler(() -> Amounts.ZERO, DailyUsage.load(file), new MovingClock(now), 0);
    UsageView after = second.view(Long.MIN_VALUE);
    assertThat(after.samples()).isEmpty();
    assertThat(after.days())
        .containsExactly(
            new UsageView.Day("2025-03-30", 1000, 200, 0, 0, 0, 0L),
            new UsageView.Day("2025-03-31", 500, 0, 300, 7, 11, 11L));
    assertThat(second.view(Instant.parse("2025-03-31T00:00:00Z").getEpochSecond()).samples())
        .isEmpty();
    assertThat(after.uploadedThisMonth()).as("the 31st's, in March").isEqualTo(11);
  }

  @Test
  void theMonthsUploadsCountAgainstTheCapAndANewMonthStartsFromNothing() {
    AtomicReference<Amounts> counters = new AtomicReference<>(Amounts.ZERO);
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-04-29T12:00:00Z"));
    UsageSampler sampler =
        new UsageSampler(
            counters::get, DailyUsage.load(dir.resolve("u.json")), new MovingClock(now), 1000);
    counters.set(new Amounts(0, 0, 0, 0, 600));
    sampler.sample();
    assertThat(sampler.uploadCapReached()).isFalse();
    counters.set(new Amounts(0, 0, 0, 0, 1000));
    assertThat(sampler.uploadedThisMonth()).as("sampled or not").isEqualTo(1000);
    assertThat(sampler.uploadCapReached()).isTrue();
    sampler.sample();
    now.set(Instant.parse("2025-05-01T00:00:01Z"));
    assertThat(sampler.uploadedThisMonth()).isZero();
    assertThat(sampler.uploadCapReached()).isFalse();
    assertThat(sampler.view(Long.MIN_VALUE).monthlyUploadCap()).isEqualTo(1000);
  }

  @Test
  void daysKeptBeforeUploadsByKindOfPeerCountAllAsSentToInternetPeers() throws Exception {
    Path file = dir.resolve("older.json");
    Files.writeString(
        file,
        "[{\"date\":\"2025-04-02\",\"origin\":1,\"cache\":0,\"peer\":0,\"other\":0,"
            + "\"uploaded\":700}]");
    DailyUsage usage = DailyUsage.load(file);
    LocalDate today = LocalDate.of(2025, 4, 9);
    assertThat(usage.inMonthOf(today, Amounts::uploadedToInternet)).isEqualTo(700);
    usage.add(today, new Amounts(0, 0, 0, 0, 50, 20));
    assertThat(usage.inMonthOf(today, Amounts::uploaded)).isEqualTo(750);
    assertThat(usage.inMonthOf(today, Amounts::uploadedToInternet)).isEqualTo(720);
  }

  @Test
  void aDamagedFileStartsAnewAndOldDaysAreDropped() throws Exception {
    Path file = dir.resolve("usage-days.json");
    Files.writeString(file, "{not json");
    DailyUsage usage = DailyUsage.load(file);
    LocalDate today = LocalDate.of(2025, 6, 1);
    for (int i = DailyUsage.KEPT_DAYS + 5; i >= 0; i--) {
      usage.add(today.minusDays(i), new Amounts(1, 0, 0, 0, 0));
    }
    usage.save();
    DailyUsage reread = DailyUsage.load(file);
    assertThat(reread.last(today, 1000)).hasSize(DailyUsage.KEPT_DAYS);
    assertThat(reread.last(today, 31)).hasSize(31);
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    private final AtomicReference<Instant> now;

    MovingClock(AtomicReference<Instant> now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
