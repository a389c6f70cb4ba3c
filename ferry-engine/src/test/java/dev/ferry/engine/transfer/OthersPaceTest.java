package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whether the other sources keep up with the origin, judged a window at a time. */
class OthersPaceTest {
  private static final long SECOND = 1_000_000_000L;
  private final OthersPace pace = new OthersPace(0, Duration.ofSeconds(5));

  @Test
  void throughTheFirstWindowTheOthersKeepUp() {
    assertThat(pace.keepUp(4 * SECOND, 0, 0)).isTrue();
  }

  @Test
  void afterItTheOriginIsAskedOnceToHaveARateToCompareWith() {
    assertThat(pace.keepUp(5 * SECOND, 10_000_000, 0)).isFalse();
  }

  @Test
  void whileTheOriginsFirstRequestRunsTheyKeepUpUntilItEnds() {
    pace.originStarted(SECOND, 0);
    assertThat(pace.keepUp(6 * SECOND, 0, 0)).isTrue();
  }

  @Test
  void aWindowLastsAtLeastTwiceTheOriginsLastRequest() {
    pace.originStarted(0, 0);
    pace.originEnded(4 * SECOND, 4_000_000); // 1 MB/s over 4 s: windows of 8 s
    assertThat(pace.keepUp(6 * SECOND, 0, 0)).as("not judged yet").isTrue();
    assertThat(pace.keepUp(8 * SECOND, 0, 0)).as("8 s of nothing").isFalse();
  }

  @Test
  void othersGivingAQuarterOfTheOriginsRateKeepUpAndLessDoNot() {
    pace.originStarted(0, 0);
    pace.originEnded(SECOND, 1_000_000); // 1 MB/s
    assertThat(pace.keepUp(5 * SECOND, 1_250_000, 0)).as("0.25 MB/s").isTrue();
    assertThat(pace.keepUp(10 * SECOND, 1_250_000 + 1_000_000, 0)).as("0.2 MB/s").isFalse();
    assertThat(pace.keepUp(12 * SECOND, 9_000_000, 0)).as("within the window: as judged").isFalse();
    assertThat(pace.keepUp(15 * SECOND, 9_000_000, 0)).as("6.75 MB in 5 s").isTrue();
  }

  @Test
  void whereMachinesFetchTheFileTogetherEachIsMeasuredAgainstItsShareOfTheOrigin() {
    pace.originStarted(0, 0);
    pace.originEnded(SECOND, 1_000_000); // 1 MB/s, while the others fetched from peers
    pace.sharedBy(8);
    // 0.05 MB/s: a fifth of this machine's share of the origin, were all eight to ask it.
    assertThat(pace.keepUp(5 * SECOND, 250_000, 0)).as("0.05 MB/s among 8").isTrue();
    pace.sharedBy(4);
    assertThat(pace.keepUp(10 * SECOND, 500_000, 0)).as("0.05 MB/s among 4").isFalse();
    pace.sharedBy(0);
    assertThat(pace.sharers()).as("this machine at least").isEqualTo(1);
  }

  @Test
  void othersThatGainPiecesFastEnoughKeepUpThoughTheyGaveNothingYet() {
    pace.originStarted(0, 0);
    pace.originEnded(SECOND, 1_000_000); // 1 MB/s
    assertThat(pace.keepUp(5 * SECOND, 0, 2_000_000))
        .as("they offer 2 MB more, 0.4 MB/s: fetching their shares of the file")
        .isTrue();
    assertThat(pace.keepUp(10 * SECOND, 0, 2_500_000)).as("0.1 MB/s more").isFalse();
    assertThat(pace.keepUp(15 * SECOND, 0, 1_000_000)).as("they offer less").isFalse();
  }

  @Test
  void beforeTheOriginsFirstRequestEndsOthersThatGainPiecesKeepUp() {
    assertThat(pace.keepUp(5 * SECOND, 0, 1_000_000)).isTrue();
  }

  @Test
  void othersThatOfferNothingYetAreNotJudgedWhileTheOriginWorks() {
    pace.originStarted(0, 0);
    pace.originEnded(SECOND, 1_000_000);
    pace.originStarted(SECOND, 1_000_000);
    assertThat(pace.keepUp(5 * SECOND, 0, 0))
        .as("the origin fetches this machine's share")
        .isTrue();
    pace.originEnded(6 * SECOND, 5_000_000);
    // Windows of 10 s now: twice the origin's last request.
    assertThat(pace.keepUp(15 * SECOND, 0, 0))
        .as("the origin has nothing of its own left")
        .isFalse();
  }
}
