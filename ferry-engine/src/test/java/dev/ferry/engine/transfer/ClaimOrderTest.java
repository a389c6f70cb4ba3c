package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.piece.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order in which a file shared with peers hands its missing spans to its connections. */
class ClaimOrderTest {
  @Test
  void theMissingSpansBeginAtTheDrawnPlaceAndWrapAround() {
    List<Span> gaps = List.of(new Span(0, 100), new Span(200, 400), new Span(500, 600));

    assertThat(ClaimOrder.rotated(gaps, 300))
        .containsExactly(
            new Span(300, 400), new Span(500, 600), new Span(0, 100), new Span(200, 300));
    assertThat(ClaimOrder.rotated(gaps, 450))
        .containsExactly(new Span(500, 600), new Span(0, 100), new Span(200, 400));
    assertThat(ClaimOrder.rotated(gaps, 0)).isEqualTo(gaps);
    assertThat(ClaimOrder.rotated(gaps, 200))
        .containsExactly(new Span(200, 400), new Span(500, 600), new Span(0, 100));
  }
}
