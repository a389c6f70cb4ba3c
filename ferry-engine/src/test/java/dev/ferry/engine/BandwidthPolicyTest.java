package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.bandwidth.TokenBucket;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Caps are checked from below only: a transfer may be slower than its cap on a busy machine, but it
 * must never be more than 10 % faster over a window of seconds.
 */
class BandwidthPolicyTest {
  private static final long MIB = 1 << 20;

  @RegisterExtension final EngineFixture fx = new EngineFixture();

  private BackgroundCopyJob job(String name, JobPriority priority, long size, long seed) {
    fx.origin.put("/" + name, Content.random(size, seed));
    BackgroundCopyJob job = fx.alice().createJob(name);
    job.setPriority(priority);
    job.addFile(fx.origin.url("/" + name), fx.download(name).toString());
    return job;
  }

  private static double secondsToTransfer(BackgroundCopyJob job) {
    long started = System.nanoTime();
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    return (System.nanoTime() - started) / 1e9;
  }

  @Test
  void theGlobalCapHoldsForForegroundJobs() {
    fx.engine().setBandwidthPolicy(BandwidthPolicy.DEFAULT.withGlobal(2 * MIB));
    BackgroundCopyJob job = job("fg.bin", JobPriority.FOREGROUND, 6 * MIB, 1);
    double seconds = secondsToTransfer(job);
    // A burst of half a second of tokens is allowed at the start.
    assertThat(6.0 / seconds)
        .as("MiB/s under a 2 MiB/s cap")
        .isLessThanOrEqualTo(2.0 * 1.1 * 6 / 5);
    assertThat(seconds).isGreaterThanOrEqualTo(0.9 * (6 - 1) / 2.0);
  }

  @Test
  void theBackgroundCapHoldsForBackgroundJobsAndNotForForegroundOnes() {
    fx.engine().setBandwidthPolicy(BandwidthPolicy.DEFAULT.withBackground(MIB));
    BackgroundCopyJob background = job("bg.bin", JobPriority.NORMAL, 3 * MIB, 2);
    assertThat(secondsToTransfer(background)).isGreaterThanOrEqualTo(0.9 * (3 - 0.5) / 1.0);
    BackgroundCopyJob foreground = job("fg.bin", JobPriority.FOREGROUND, 3 * MIB, 3);
    foreground.resume();
    awaitState(foreground, JobState.TRANSFERRED);
  }

  @Test
  void aJobsOwnCapHoldsBesideAnUncappedJob() {
    BackgroundCopyJob capped = job("capped.bin", JobPriority.FOREGROUND, 6 * MIB, 11);
    capped.setProperty(JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(2 * MIB));
    assertThat(capped.getProperty(JobPropertyId.MAX_TRANSFER_RATE))
        .isEqualTo(new JobPropertyValue.Uint64(2 * MIB));
    BackgroundCopyJob free = job("free.bin", JobPriority.FOREGROUND, 16 * MIB, 12);
    free.resume();
    double seconds = secondsToTransfer(capped);
    assertThat(6.0 / seconds)
        .as("MiB/s under the job's 2 MiB/s cap")
        .isLessThanOrEqualTo(2.0 * 1.1 * 6 / 5);
    assertThat(seconds).isGreaterThanOrEqualTo(0.9 * (6 - 1) / 2.0);
    awaitState(free, JobState.TRANSFERRED);
    assertThat(capped.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(fx.download("capped.bin")))
        .isEqualTo(Content.random(6 * MIB, 11).sha256());
  }

  @Test
  void aJobsOwnCapChangesWhileItTransfers() {
    BackgroundCopyJob job = job("live-job.bin", JobPriority.FOREGROUND, 64 * MIB, 13);
    job.setProperty(JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(256 * 1024));
    job.resume();
    await().atMost(EngineFixture.PATIENCE).until(() -> job.progress().bytesTransferred() > 0);
    assertThat(job.state()).isIn(JobState.CONNECTING, JobState.TRANSFERRING);
    // At 256 KiB/s this would take four minutes; lifting the cap must speed up the same transfer.
    job.setProperty(JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(0));
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
  }

  @Test
  void capsChangeWhileTransfersRun() {
    fx.engine().setBandwidthPolicy(BandwidthPolicy.DEFAULT.withGlobal(256 * 1024));
    BackgroundCopyJob job = job("live.bin", JobPriority.FOREGROUND, 64 * MIB, 4);
    job.resume();
    await().atMost(EngineFixture.PATIENCE).until(() -> job.progress().bytesTransferred() > 0);
    assertThat(job.state()).isIn(JobState.CONNECTING, JobState.TRANSFERRING);
    // At 256 KiB/s this would take four minutes; lifting the cap must speed up the same transfer.
    fx.engine().setBandwidthPolicy(BandwidthPolicy.DEFAULT);
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
  }

  @Test
  void aZeroWindowBlocksBackgroundJobsUntilItEnds() {
    LocalTime now = LocalTime.now();
    var window =
        new BandwidthPolicy.Window(
            EnumSet.allOf(DayOfWeek.class), now.minusHours(1), now.plusHours(1), 0);
    fx.engine().setBandwidthPolicy(BandwidthPolicy.DEFAULT.withWindows(List.of(window)));
    BackgroundCopyJob background = job("blocked.bin", JobPriority.NORMAL, MIB, 5);
    background.resume();
    awaitState(background, JobState.TRANSIENT_ERROR);
    var error = background.error().orElseThrow();
    assertThat(error.code()).isEqualTo(HResult.BG_E_BLOCKED_BY_POLICY.value());
    assertThat(background.errorCount()).as("policy blocks are not errors").isZero();
    assertThat(fx.origin.requests("/blocked.bin")).isEmpty();

    BackgroundCopyJob foreground = job("free.bin", JobPriority.FOREGROUND, MIB, 6);
    foreground.resume();
    awaitState(foreground, JobState.TRANSFERRED);
    assertThat(background.state()).isEqualTo(JobState.TRANSIENT_ERROR);

    fx.engine().setBandwidthPolicy(BandwidthPolicy.DEFAULT);
    awaitState(background, JobState.TRANSFERRED);
    assertThat(background.errorCount()).isZero();
  }

  @Test
  void backgroundJobsYieldToAForegroundOneAndRecoverAfterwards() {
    long share = 512 * 1024;
    fx.engine().setBandwidthPolicy(BandwidthPolicy.DEFAULT.withBackgroundWhileForeground(share));
    BackgroundCopyJob background = job("bg.bin", JobPriority.NORMAL, 256 * MIB, 7);
    BackgroundCopyJob foreground = job("fg.bin", JobPriority.FOREGROUND, 24 * MIB, 8);
    fx.origin.fault("/fg.bin", Fault.throttle(4 * MIB));
    background.resume();
    await()
        .atMost(EngineFixture.PATIENCE)
        .until(() -> background.progress().bytesTransferred() > 0);
    foreground.resume();
    awaitState(foreground, JobState.TRANSFERRING);
    // Let the background job's bucket settle to its share, then measure it over a few seconds.
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    long before = background.progress().bytesTransferred();
    long started = System.nanoTime();
    await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    long during = background.progress().bytesTransferred() - before;
    double seconds = (System.nanoTime() - started) / 1e9;
    if (foreground.state() == JobState.TRANSFERRING) {
      assertThat(during / seconds)
          .as("background bytes/s while the foreground job transfers")
          .isLessThanOrEqualTo(share * 1.1 + share / (2 * seconds));
    }
    awaitState(foreground, JobState.TRANSFERRED);
    awaitState(background, JobState.TRANSFERRED);
  }

  @Test
  void thePolicySurvivesARestart() {
    var window =
        new BandwidthPolicy.Window(
            EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(8, 0), LocalTime.of(17, 30), 0);
    BandwidthPolicy policy =
        BandwidthPolicy.DEFAULT
            .withGlobal(5 * MIB)
            .withBackground(MIB)
            .withWindows(List.of(window));
    fx.engine().setBandwidthPolicy(policy);
    fx.restart();
    assertThat(fx.engine().bandwidthPolicy()).isEqualTo(policy);
  }

  @Test
  void aTokenBucketPacesToItsRate() throws Exception {
    TokenBucket bucket = new TokenBucket(() -> 1_000_000, dev.ferry.spi.Clock.SYSTEM);
    long started = System.nanoTime();
    for (int i = 0; i < 30; i++) {
      bucket.take(100_000);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // 3 MB at 1 MB/s with at most half a second of burst.
    assertThat(seconds).isGreaterThanOrEqualTo(0.9 * 2.5);
    assertThat(
            new TokenBucket(() -> TokenBucket.UNLIMITED, dev.ferry.spi.Clock.SYSTEM)
                .debtNanos(Long.MAX_VALUE / 2))
        .isZero();
  }
}
