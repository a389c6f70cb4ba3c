package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine on a clock the test moves: retry delays, the no-progress timeout and bandwidth windows
 * of minutes and hours pass at once, over a real origin and a real store.
 */
class TimeDrivenTest {
  /** A Monday, 09:00 UTC. */
  private static final Instant MONDAY_NINE = Instant.parse("2026-12-07T09:00:00Z");

  private final FakeClock clock = new FakeClock(MONDAY_NINE);

  @RegisterExtension
  private final EngineFixture fixture =
      new EngineFixture(EngineFixture.testConfig().withClock(clock));

  private BackgroundCopyJob job(String path) {
    BackgroundCopyJob job = fixture.alice().createJob(path);
    job.addFile(fixture.origin.url(path), fixture.download(path.substring(1)).toString());
    return job;
  }

  private static void awaitError(BackgroundCopyJob job, JobState state) {
    await(job.displayName() + " in " + state)
        .atMost(PATIENCE)
        .until(() -> job.state() == state && job.error().isPresent());
  }

  @Test
  void aRetryWaitsForItsDelayOnTheEnginesClock() {
    fixture.origin.put("/retry.bin", Content.random(100_000, 1));
    fixture.origin.fault("/retry.bin", Fault.status(503));
    BackgroundCopyJob job = job("/retry.bin");
    job.resume();
    awaitError(job, JobState.TRANSIENT_ERROR);
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofMinutes(10));

    // The clock tells the scheduler, which looks again: the retry is not due yet. (Had it been
    // taken, the origin's 503 would set the next retry 10 minutes later, and the job would not
    // finish below.)
    clock.advance(Duration.ofMinutes(9));
    await()
        .during(Duration.ofMillis(500))
        .atMost(PATIENCE)
        .until(() -> job.state() == JobState.TRANSIENT_ERROR);
    assertThat(fixture.origin.requests("/retry.bin")).hasSize(1);
    fixture.origin.clearFaults("/retry.bin");

    clock.advance(Duration.ofMinutes(1));
    EngineFixture.awaitState(job, JobState.TRANSFERRED);
    assertThat(fixture.origin.requests("/retry.bin")).hasSize(2);
    job.complete();
  }

  @Test
  void theNoProgressTimeoutEndsTheRetriesInError() {
    fixture.origin.put("/gone.bin", Content.random(100_000, 2));
    fixture.origin.fault("/gone.bin", Fault.status(503));
    BackgroundCopyJob job = job("/gone.bin");
    job.setNoProgressTimeout(Duration.ofHours(1));
    job.resume();
    awaitError(job, JobState.TRANSIENT_ERROR);

    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(10));
      int attempts = i + 2;
      await("retry " + attempts)
          .atMost(PATIENCE)
          .until(() ->
              fixture.origin.requests("/gone.bin").size() == attempts
                  && job.state() == JobState.TRANSIENT_ERROR);
    }
    clock.advance(Duration.ofMinutes(10));
    awaitError(job, JobState.ERROR);
    assertThat(job.error().orElseThrow().code()).isEqualTo(HResult.httpError(503));
    job.cancel();
  }

  @Test
  void aBlockingWindowHoldsBackgroundJobsUntilItEnds() {
    fixture
        .engine()
        .setBandwidthPolicy(
            BandwidthPolicy.DEFAULT.withWindows(
                List.of(
                    new BandwidthPolicy.Window(
                        Set.of(DayOfWeek.MONDAY), LocalTime.of(8, 0), LocalTime.of(17, 0), 0))));
    fixture.origin.put("/night.bin", Content.random(100_000, 3));
    BackgroundCopyJob job = job("/night.bin");
    job.resume();
    awaitError(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().code()).isEqualTo(HResult.BG_E_BLOCKED_BY_POLICY.value());
    assertThat(fixture.origin.requests("/night.bin")).isEmpty();

    clock.advance(Duration.ofHours(7));
    await()
        .during(Duration.ofMillis(500))
        .atMost(PATIENCE)
        .until(() -> job.state() == JobState.TRANSIENT_ERROR);
    assertThat(fixture.origin.requests("/night.bin")).isEmpty();

    clock.advance(Duration.ofHours(1));
    EngineFixture.awaitState(job, JobState.TRANSFERRED);
    job.complete();
  }
}
