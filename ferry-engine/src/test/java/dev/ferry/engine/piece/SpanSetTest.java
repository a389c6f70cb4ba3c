package dev.ferry.engine.piece;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpanSetTest {
  @Test
  void mergesTouchingAndOverlappingSpans() {
    SpanSet set = new SpanSet();
    set.add(new Span(10, 20));
    set.add(new Span(20, 30));
    set.add(new Span(5, 12));
    assertThat(set.subtractFrom(new Span(0, 40))).containsExactly(new Span(0, 5), new Span(30, 40));
    assertThat(set.overlap(new Span(0, 40))).isEqualTo(25);
  }

  /** Compares against a bitmap model with random operations, seeded so a failure replays. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void agreesWithABitmapModel(long seed) {
    Random random = new Random(seed);
    SpanSet set = new SpanSet();
    BitSet model = new BitSet();
    for (int step = 0; step < 300; step++) {
      int start = random.nextInt(1000);
      Span span = new Span(start, start + random.nextInt(60));
      if (random.nextBoolean()) {
        set.add(span);
        model.set((int) span.start(), (int) span.end());
      } else {
        assertThat(set.overlap(span))
            .isEqualTo(model.get((int) span.start(), (int) span.end()).cardinality());
        assertThat(set.subtractFrom(span)).isEqualTo(clearRuns(model, span));
      }
    }
  }

  private static List<Span> clearRuns(BitSet model, Span span) {
    List<Span> runs = new ArrayList<>();
    int i = (int) span.start();
    while (i < span.end()) {
      int clear = model.nextClearBit(i);
      if (clear >= span.end()) {
        break;
      }
      int set =
          Math.min(
              (int) span.end(),
              model.nextSetBit(clear) < 0 ? Integer.MAX_VALUE : model.nextSetBit(clear));
      runs.add(new Span(clear, set));
      i = set;
    }
    return runs;
  }
}
