package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.piece.Span;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How idle connections find work: gaps, then a straggler's rest, then half of the largest part. */
class SegmentsTest {
  private static final long MIB = 1 << 20;
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(0);
  private final Segments segments = new Segments(MIB, now::get);

  @Test
  void anIdleConnectionTakesTheFirstGapNobodyFetches() {
    segments.begin(0, 4 * MIB);
    Segments.Segment claimed = segments.claim(List.of(new Span(0, 10 * MIB)));
    assertThat(claimed.cursor()).isEqualTo(4 * MIB);
    assertThat(claimed.end()).isEqualTo(10 * MIB);
  }

  @Test
  void withoutGapsItSplitsTheLargestPartInTwo() {
    Segments.Segment a = segments.begin(0, 16 * MIB);
    segments.begin(16 * MIB, 20 * MIB);
    Segments.Segment claimed = segments.claim(List.of());
    assertThat(claimed.cursor()).isEqualTo(8 * MIB);
    assertThat(claimed.end()).isEqualTo(16 * MIB);
    assertThat(a.end()).isEqualTo(8 * MIB);
    assertThat(a.dropped()).isFalse();
  }

  @Test
  void aConnectionFarSlowerThanTheFastestLosesTheRestOfItsPart() {
    Segments.Segment slow = segments.begin(0, 32 * MIB);
    Segments.Segment fast = segments.begin(32 * MIB, 64 * MIB);
    now.set(4 * SECOND);
    slow.advanceTo(MIB); // 256 KiB/s
    fast.advanceTo(48 * MIB); // 4 MiB/s
    Segments.Segment claimed = segments.claim(List.of());
    assertThat(claimed.cursor()).as("all of the straggler's rest").isEqualTo(MIB);
    assertThat(claimed.end()).isEqualTo(32 * MIB);
    assertThat(slow.end()).isEqualTo(MIB);
    assertThat(slow.dropped()).isTrue();
    assertThat(fast.dropped()).isFalse();
  }

  @Test
  void aYoungOrOnlyAlittleSlowerConnectionIsSplitNotDropped() {
    Segments.Segment slow = segments.begin(0, 32 * MIB);
    Segments.Segment fast = segments.begin(32 * MIB, 64 * MIB);
    now.set(SECOND); // too young to judge
    slow.advanceTo(MIB / 8);
    fast.advanceTo(36 * MIB);
    assertThat(segments.claim(List.of()).dropped()).isFalse();
    assertThat(slow.dropped()).isFalse();

    Segments other = new Segments(MIB, now::get);
    Segments.Segment a = other.begin(0, 32 * MIB);
    Segments.Segment b = other.begin(32 * MIB, 64 * MIB);
    now.set(5 * SECOND);
    a.advanceTo(4 * MIB); // a quarter of b's speed: slower, not a straggler
    b.advanceTo(48 * MIB);
    Segments.Segment claimed = other.claim(List.of());
    assertThat(a.dropped()).isFalse();
    assertThat(claimed.end() - claimed.cursor())
        .as("half of the largest rest")
        .isLessThan(16 * MIB);
  }

  @Test
  void onceTheFastConnectionsAreIdleTheStragglerIsJudgedAgainstThem() {
    Segments.Segment slow = segments.begin(0, 8 * MIB);
    Segments.Segment fast = segments.begin(8 * MIB, 16 * MIB);
    now.set(SECOND / 2);
    fast.advanceTo(16 * MIB); // 16 MiB/s, ended
    segments.release(fast);
    assertThat(segments.worthWaiting()).as("the slow part is too young to judge").isTrue();

    now.set(3 * SECOND);
    slow.advanceTo(MIB / 4);
    Segments.Segment claimed = segments.claim(List.of());
    assertThat(slow.dropped()).isTrue();
    assertThat(claimed.cursor()).isEqualTo(MIB / 4);
    assertThat(segments.worthWaiting()).as("the new part is too young to judge").isTrue();
  }

  @Test
  void theBytesAStragglerHasReadStayItsAndNoneBeyondItsNewEndAreWrittenTwice() {
    Segments.Segment slow = segments.begin(0, 32 * MIB);
    Segments.Segment fast = segments.begin(32 * MIB, 64 * MIB);
    now.set(4 * SECOND);
    slow.advanceTo(MIB);
    fast.advanceTo(48 * MIB);
    assertThat(slow.take(MIB, MIB + MIB / 4)).as("a read in hand").isEqualTo(MIB + MIB / 4);

    Segments.Segment claimed = segments.claim(List.of());
    assertThat(claimed.cursor()).as("the rest after the read in hand").isEqualTo(MIB + MIB / 4);
    assertThat(slow.end()).isEqualTo(MIB + MIB / 4);

    slow.advanceTo(MIB + MIB / 4);
    assertThat(slow.take(MIB + MIB / 4, MIB + MIB / 2))
        .as("a read that ran while the part was cut writes nothing")
        .isEqualTo(MIB + MIB / 4);
  }

  @Test
  void aPartCutInTwoKeepsTheReadInHandAndShedPartsKeepTheirsToo() {
    Segments.Segment a = segments.begin(0, 16 * MIB);
    assertThat(a.take(0, 8 * MIB + MIB / 4)).isEqualTo(8 * MIB + MIB / 4);
    Segments.Segment claimed = segments.claim(List.of());
    assertThat(claimed.cursor()).isEqualTo(8 * MIB + MIB / 4);
    assertThat(a.end()).isEqualTo(8 * MIB + MIB / 4);

    a.advanceTo(8 * MIB + MIB / 4);
    assertThat(claimed.take(claimed.cursor(), 9 * MIB)).isEqualTo(9 * MIB);
    segments.shed(2);
    assertThat(claimed.end()).as("shed after what it has in hand").isEqualTo(9 * MIB);
    assertThat(claimed.dropped()).isTrue();
  }
}
