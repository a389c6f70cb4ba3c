package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.piece.Span;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which pieces the origin is asked for while other sources share a file. */
class OriginPickTest {
  /** A last origin request after which nothing is free: the next one starts anew. */
  private static final OriginPick.Run DONE_ELSEWHERE = new OriginPick.Run(100, 104);

  private static BitSet pieces(int from, int to) {
    BitSet set = new BitSet();
    set.set(from, to);
    return set;
  }

  private static BitSet none() {
    return new BitSet();
  }

  private static OriginPick.Run run(int first, int end) {
    return new OriginPick.Run(first, end);
  }

  @Test
  void withNothingOfferedTheOriginBeginsInTheMiddleOfTheLargestRun() {
    BitSet free = pieces(0, 10);
    free.set(20, 52);

    assertThat(OriginPick.choose(free, none(), 4, 0.5, DONE_ELSEWHERE)).isEqualTo(run(36, 40));
  }

  @Test
  void piecesAnotherSourceOffersAreSkipped() {
    // Pieces 0 to 31 are missing; a peer offers 8 to 27: left are 0 to 7 and 28 to 31.
    BitSet offered = pieces(8, 28);

    assertThat(OriginPick.choose(pieces(0, 32), offered, 4, 0.5, DONE_ELSEWHERE))
        .isEqualTo(run(4, 8));
  }

  @Test
  void theHostGoesOnFromItsLastRequestWhileNobodyOffersWhatFollows() {
    // It fetched 8 to 11; 12 on are nobody's.
    assertThat(OriginPick.choose(pieces(12, 32), none(), 4, 0.5, run(8, 12)))
        .isEqualTo(run(12, 16));
    // Cut where another host's pieces begin.
    assertThat(OriginPick.choose(pieces(12, 32), pieces(14, 20), 4, 0.5, run(8, 12)))
        .isEqualTo(run(12, 14));
  }

  @Test
  void atAnotherHostsPiecesItStartsAgainWhereNobodyIsNear() {
    // This host fetched 0 to 3; another host's start at 4 walks on, its pieces up to 7 offered.
    // Rather than walk into that host's front, it starts in the middle of 8 to 31.
    BitSet free = pieces(4, 32);
    BitSet offered = pieces(4, 8);

    assertThat(OriginPick.choose(free, offered, 4, 0.5, run(0, 4))).isEqualTo(run(20, 24));
  }

  @Test
  void aHostThatFetchedWhatAnotherDidStopsGoingOnBesideIt() {
    // Pieces 8 to 11, fetched last, are offered too: another host went on side by side.
    BitSet offered = pieces(8, 12);

    assertThat(OriginPick.choose(pieces(12, 40), offered, 4, 0.5, run(8, 12)))
        .isEqualTo(run(26, 30));
  }

  @Test
  void theDrawMovesTheStartWithinTheRunsMiddleHalf() {
    BitSet free = pieces(0, 40);

    assertThat(OriginPick.choose(free, none(), 4, 0, DONE_ELSEWHERE).first()).isEqualTo(10);
    assertThat(OriginPick.choose(free, none(), 4, 0.999, DONE_ELSEWHERE)).isEqualTo(run(29, 33));
  }

  @Test
  void theFirstRequestIsOnePieceFromAnywhere() {
    BitSet free = pieces(0, 40);

    assertThat(OriginPick.choose(free, none(), 4, 0, null)).isEqualTo(run(0, 1));
    assertThat(OriginPick.choose(free, none(), 4, 0.5, null)).isEqualTo(run(20, 21));
    assertThat(OriginPick.choose(free, none(), 4, 0.999, null)).isEqualTo(run(39, 40));
  }

  @Test
  void aRunNoLongerThanOneRequestIsTakenWhole() {
    BitSet free = pieces(0, 3);
    free.set(10, 13);

    assertThat(OriginPick.choose(free, none(), 4, 0.5, DONE_ELSEWHERE)).isEqualTo(run(0, 3));
  }

  @Test
  void theRequestEndsWithItsRun() {
    assertThat(OriginPick.choose(pieces(0, 6), none(), 4, 0.5, DONE_ELSEWHERE))
        .isEqualTo(run(3, 6));
  }

  @Test
  void whenOtherSourcesOfferEveryFreePieceThereIsNoPick() {
    assertThat(OriginPick.choose(pieces(4, 8), pieces(0, 16), 4, 0.5, null)).isNull();
    assertThat(OriginPick.choose(none(), none(), 4, 0.5, null)).isNull();
  }

  @Test
  void connectionsTakeOffersFirstWhileOthersHaveRoomThenTheOriginsPickThenEveryGap() {
    int piece = 100;
    List<Span> uncovered = List.of(new Span(0, 1000), new Span(1500, 3200));
    List<Span> gaps = List.of(new Span(0, 1200), new Span(1500, 3200));
    BitSet offered = pieces(2, 4);

    OriginPick.Run last = new OriginPick.Run(31, 32);

    assertThat(
            ClaimOrder.of(
                uncovered, gaps, 0, none(), offered, offered, none(), true, 3200, piece, 4, 0.5,
                last, true))
        .containsExactly(
            new Span(200, 400),
            // The largest run nobody offers: pieces 15 to 31, from its middle.
            new Span(2300, 2700),
            new Span(0, 1200),
            new Span(1500, 3200));
    assertThat(
            ClaimOrder.of(
                uncovered, gaps, 0, none(), offered, offered, none(), false, 3200, piece, 4, 0.5,
                last, false))
        .containsExactly(new Span(2300, 2700));
  }

  @Test
  void whatOthersOfferBeginsAtTheDrawnPlaceAndWrapsAround() {
    int piece = 100;
    List<Span> gaps = List.of(new Span(0, 3200));
    // Others offer pieces 2 to 5 and 20 to 23; this transfer's place is piece 21.
    BitSet offered = pieces(2, 6);
    offered.or(pieces(20, 24));

    assertThat(
            ClaimOrder.of(
                gaps,
                gaps,
                2100,
                none(),
                offered,
                offered,
                pieces(0, 32),
                true,
                3200,
                piece,
                4,
                0.5,
                null,
                false))
        .containsExactly(new Span(2100, 2400), new Span(200, 600), new Span(2000, 2100));
  }

  @Test
  void whatOthersHoldHereAlreadyComesFirst() {
    int piece = 100;
    List<Span> gaps = List.of(new Span(0, 3200));
    BitSet servable = pieces(2, 6);
    servable.or(pieces(20, 24));
    // Pieces 21 and 22 are taken in already, and piece 30, which no peer would send now.
    BitSet ready = pieces(21, 23);
    ready.set(30);

    assertThat(
            ClaimOrder.of(
                gaps,
                gaps,
                0,
                ready,
                servable,
                servable,
                pieces(0, 32),
                true,
                3200,
                piece,
                4,
                0.5,
                null,
                false))
        .containsExactly(
            new Span(2100, 2300), new Span(200, 600), new Span(2000, 2100), new Span(2300, 2400));
  }

  @Test
  void whatOthersHoldButWouldNotSendNowIsAskedOfNeitherThemNorTheOrigin() {
    int piece = 100;
    List<Span> gaps = List.of(new Span(0, 3200));
    // Peers hold pieces 2 to 9; only those holding 6 and 7 unchoke this machine.
    BitSet held = pieces(2, 10);
    BitSet servable = pieces(6, 8);

    assertThat(
            ClaimOrder.of(
                gaps, gaps, 0, none(), servable, held, none(), true, 3200, piece, 4, 0.5, null,
                false))
        .as(
            "what peers would send now, then the origin's first pick: a piece from the middle of"
                + " what nobody holds (10 to 31); pieces 2 to 5 and 8, 9 wait for their holders")
        .containsExactly(new Span(600, 800), new Span(2100, 2200));
  }

  @Test
  void theOriginIsNotAskedForWhatOtherMachinesArePromisedToFetch() {
    int piece = 100;
    List<Span> gaps = List.of(new Span(0, 3200));
    BitSet offered = pieces(2, 4);
    // Another machine fetches pieces 4 to 31 from the origin; pieces 0 and 1 are this machine's.
    BitSet promised = pieces(4, 32);

    assertThat(
            ClaimOrder.of(
                gaps, gaps, 0, none(), offered, offered, promised, false, 3200, piece, 4, 0.5, null,
                false))
        .as("a first request: one piece of this machine's own, from the middle of them")
        .containsExactly(new Span(100, 200));
    assertThat(
            ClaimOrder.of(
                gaps,
                gaps,
                0,
                none(),
                offered,
                offered,
                pieces(0, 32),
                false,
                3200,
                piece,
                4,
                0.5,
                null,
                false))
        .as("all promised: this machine waits for the others")
        .isEmpty();
    assertThat(
            ClaimOrder.of(
                gaps,
                gaps,
                0,
                none(),
                offered,
                offered,
                pieces(0, 32),
                false,
                3200,
                piece,
                4,
                0.5,
                null,
                true))
        .as("the others fall behind: every gap, promised or not")
        .containsExactly(new Span(0, 3200));
  }
}
