package dev.ferry.swarm.ledbat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * LEDBAT's controller on a rate: no pace while the queue the uploads cause stays under the target;
 * paced from what was sent once it passes it; down while it stays above, up while there is room,
 * never below the least rate nor past twice what was sent, and not cut for having had little to
 * send.
 */
class DelayControllerTest {
  private static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.2", 40000);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final DelayController controller = new DelayController(Duration.ofMillis(100));
  private long now = 0;
  private long acked = 0;

  /** One second in which {@code sent} bytes went and the connection's RTT was {@code rttMs}. */
  private long second(long rttMs, long sent) {
    now += SECOND;
    acked += sent;
    return controller.round(now, List.of(new RttSample(PEER, rttMs * MS, 0, acked)), sent, 1.0);
  }

  @Test
  void aQueueUnderTheTargetLeavesUploadsUnpaced() {
    second(20, 10_000_000);
    for (int i = 0; i < 30; i++) {
      assertThat(second(20 + i % 50, 10_000_000)).isZero();
    }
  }

  @Test
  void aQueueOverTheTargetPacesFromWhatWasSentAndDownWhileItStays() {
    second(20, 10_000_000);
    long first = second(400, 10_000_000);
    assertThat(first).isPositive().isLessThan(10_000_000);
    long second = second(400, first);
    assertThat(second).isLessThan(first);
    long rate = second;
    for (int i = 0; i < 50; i++) {
      rate = second(600, rate);
    }
    assertThat(rate).isEqualTo(DelayController.MIN_RATE);
  }

  @Test
  void aQueueThatOutlastsACutIsCutFromWhatTheLinkDeliversNotAgainAndAgain() {
    second(20, 1_000_000);
    // The link delivers 356 KB/s; the sockets' buffers hold what was handed to them beyond that,
    // so the queue (130 ms) outlasts the rounds that pace the uploads while it drains.
    long rate = 0;
    for (int i = 0; i < 10; i++) {
      now += SECOND;
      acked += 356_000;
      long sent = rate == 0 ? 600_000 : rate;
      rate = controller.round(now, List.of(new RttSample(PEER, 150 * MS, 0, acked)), sent, 1.0);
    }
    assertThat(rate)
        .as("under what the link delivers, so that the queue drains, and no further")
        .isLessThan(356_000)
        .isGreaterThan(300_000);
  }

  @Test
  void roomUnderTheTargetLetsTheRateGrowButNotPastTwiceWhatWasSent() {
    second(20, 8_000_000);
    long rate = second(300, 8_000_000);
    long paced = rate;
    for (int i = 0; i < 20; i++) {
      rate = second(25, rate);
    }
    assertThat(rate).isGreaterThan(paced);
    long little = second(25, rate / 4);
    assertThat(little).as("sent less than allowed: no growth").isEqualTo(rate);
  }

  @Test
  void aSecondWithLittleOrNothingToSendKeepsTheRate() {
    second(20, 8_000_000);
    long rate = second(300, 8_000_000);
    for (int i = 0; i < 5; i++) {
      rate = second(25, rate);
    }
    assertThat(rate).isGreaterThan(DelayController.MIN_RATE * 4);
    // Peers asked for nothing for a while (this machine had no piece they lacked); what was in
    // flight is acknowledged meanwhile.
    now += SECOND;
    acked += 100_000;
    long idle = controller.round(now, List.of(new RttSample(PEER, 25 * MS, 0, acked)), 0, 1.0);
    assertThat(idle).as("an idle second is no sign of a queue").isEqualTo(rate);
    assertThat(second(25, 0)).isEqualTo(rate);
    assertThat(second(400, 50_000)).as("a queue still cuts it").isLessThan(rate);
  }

  @Test
  void aConnectionFirstReadWithItsQueueBuiltTakesTheKernelsMinimumAsItsBase() {
    now += SECOND;
    long rate =
        controller.round(
            now, List.of(new RttSample(PEER, 900 * MS, 2 * MS, 4_000_000)), 4_000_000, 1);
    assertThat(rate).as("900 ms over a 2 ms path: the queue").isPositive();
  }

  @Test
  void theBaseDelayIsTheLeastOfTheLastTenMinutesAndIdleConnectionsDoNotCount() {
    second(20, 10_000_000);
    // A path whose delay rose for good, for longer than the base history: the new base is the new
    // floor, so the same delay no longer reads as queuing.
    long rate = second(400, 10_000_000);
    assertThat(rate).isPositive();
    for (int i = 0; i < 11 * 60; i++) {
      rate = second(250, Math.max(rate, DelayController.MIN_RATE));
    }
    assertThat(second(250, rate)).as("250 ms is the base now: room to grow").isGreaterThan(rate);

    DelayController other = new DelayController(Duration.ofMillis(100));
    other.round(SECOND, List.of(new RttSample(PEER, 20 * MS, 0, 5)), 1_000_000, 1);
    assertThat(other.round(2 * SECOND, List.of(new RttSample(PEER, 900 * MS, 0, 5)), 1_000_000, 1))
        .as("nothing acknowledged since: a stale RTT, not uploads' queue")
        .isZero();
  }

  @Test
  void theQueueIsTheLeastDelayOfTheUploadingConnectionsNotTheLargest() {
    InetSocketAddress other = new InetSocketAddress("10.0.0.3", 40000);
    long[] acks = {0, 0};
    java.util.function.LongBinaryOperator round =
        (rttMs, otherRttMs) -> {
          now += SECOND;
          acks[0] += 1_000_000;
          acks[1] += 1_000_000;
          return controller.round(
              now,
              List.of(
                  new RttSample(PEER, rttMs * MS, 0, acks[0]),
                  new RttSample(other, otherRttMs * MS, 0, acks[1])),
              2_000_000,
              1.0);
        };
    round.applyAsLong(20, 20);

    // One peer's ACKs wait behind that peer's own full uplink; the other path is clear: this
    // machine's uplink has no queue, and its uploads are not paced.
    assertThat(round.applyAsLong(20, 900)).isZero();
    assertThat(round.applyAsLong(30, 900)).isZero();
    // Both show it: the queue is this machine's.
    assertThat(round.applyAsLong(400, 900)).isPositive();
  }
}
