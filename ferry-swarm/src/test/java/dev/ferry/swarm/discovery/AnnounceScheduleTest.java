package dev.ferry.swarm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.content.SwarmKey;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Announced at once, every five minutes after, never twice a minute. */
class AnnounceScheduleTest {
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final SwarmKey A = SwarmKey.parse("0123456789abcdef0123456789abcdef01234567");
  private static final SwarmKey B = SwarmKey.parse("fedcba9876543210fedcba9876543210fedcba98");

  private final AnnounceSchedule schedule =
      new AnnounceSchedule(LocalDiscovery.INTERVAL_NANOS, LocalDiscovery.MINIMUM_NANOS);

  @Test
  void aKeyIsDueAtOnceThenEveryFiveMinutes() {
    assertThat(schedule.nanosUntilDue(0)).isEqualTo(Long.MAX_VALUE);
    schedule.add(A, 0);
    assertThat(schedule.nanosUntilDue(0)).isZero();
    assertThat(schedule.takeDue(0)).containsExactly(A);
    assertThat(schedule.takeDue(0)).isEmpty();
    assertThat(schedule.nanosUntilDue(MINUTE)).isEqualTo(4 * MINUTE);
    assertThat(schedule.takeDue(5 * MINUTE - 1)).isEmpty();
    assertThat(schedule.takeDue(5 * MINUTE)).containsExactly(A);
  }

  @Test
  void aKeyAddedAgainWithinAMinuteWaitsForTheMinute() {
    schedule.add(A, 0);
    schedule.takeDue(0);
    schedule.remove(A);
    schedule.add(A, 10);
    schedule.add(A, 20);
    assertThat(schedule.takeDue(30 * TimeUnit.SECONDS.toNanos(1))).isEmpty();
    assertThat(schedule.nanosUntilDue(0)).isEqualTo(MINUTE);
    assertThat(schedule.takeDue(MINUTE)).containsExactly(A);
  }

  @Test
  void aKeyWithdrawnLongEnoughIsDueAtOnceWhenAddedAgain() {
    schedule.add(A, 0);
    schedule.takeDue(0);
    schedule.remove(A);
    assertThat(schedule.takeDue(2 * MINUTE)).isEmpty();
    schedule.add(A, 2 * MINUTE);
    assertThat(schedule.takeDue(2 * MINUTE)).containsExactly(A);
  }

  @Test
  void keysAddedApartKeepTheirOwnTimes() {
    schedule.add(A, 0);
    schedule.takeDue(0);
    schedule.add(B, 2 * MINUTE);
    assertThat(schedule.takeDue(2 * MINUTE)).containsExactly(B);
    assertThat(schedule.takeDue(5 * MINUTE)).containsExactly(A);
    assertThat(schedule.takeDue(7 * MINUTE)).containsExactly(B);
    assertThat(schedule.contains(A)).isTrue();
  }
}
