package dev.ferry.engine.piece;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.FileRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutTest {
  @Test
  void rangesLandBackToBackInTheOrderGiven() {
    Layout layout =
        Layout.ranges(
            List.of(new FileRange(100, 100), new FileRange(900, 100), new FileRange(400, 100)),
            2000);
    assertThat(layout.localSize()).isEqualTo(300);
    assertThat(layout.localOffset(0, 150)).isEqualTo(50);
    assertThat(layout.localOffset(1, 900)).isEqualTo(100);
    assertThat(layout.localOffset(2, 499)).isEqualTo(299);
  }

  @Test
  void toEndOfFileResolvesAgainstTheSize() {
    Layout layout = Layout.ranges(List.of(new FileRange(1500, FileRange.TO_EOF)), 2000);
    assertThat(layout.wanted()).containsExactly(new Span(1500, 2000));
    assertThat(layout.localSize()).isEqualTo(500);
  }

  @Test
  void rangesMustFitTheRemoteFile() {
    assertThat(Layout.fits(List.of(new FileRange(0, 2000)), 2000)).isTrue();
    assertThat(Layout.fits(List.of(new FileRange(0, 2001)), 2000)).isFalse();
    assertThat(Layout.fits(List.of(new FileRange(2000, FileRange.TO_EOF)), 2000)).isFalse();
    assertThat(Layout.fits(List.of(new FileRange(1999, FileRange.TO_EOF)), 2000)).isTrue();
  }
}
