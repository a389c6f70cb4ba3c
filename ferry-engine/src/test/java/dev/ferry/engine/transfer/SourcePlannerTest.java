package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.FakeClock;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceLacks;
import dev.ferry.spi.SourceProvider;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The source planner's decisions, on a clock the test moves: which source is asked for a span, how
 * far, and what failures and pieces that fail their hashes do to that choice.
 */
class SourcePlannerTest {
  private static final int PIECE = 1 << 20;
  private static final long SIZE = 16L * PIECE;
  private static final FileRef FILE =
      new FileRef(UUID.randomUUID(), 0, URI.create("http://127.0.0.1/file.bin"));
  private static final TransferFailure FAILURE =
      TransferFailure.transientFailure(
          HResult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT, "test", "gone", null);

  private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final Source origin = new Named(SourceKind.ORIGIN, Long.MAX_VALUE, Long.MAX_VALUE);

  /**
   * A source that has the bytes {@code [from, to)} of the file, {@code to} read at each question (a
   * peer gains pieces), and has taken in {@code taken} ({@link Source#takenIn}); opening is never
   * needed here: the planner only decides.
   */
  private record Named(SourceKind kind, long from, LongSupplier to, LongSupplier taken)
      implements Planned {
    Named(SourceKind kind, long from, LongSupplier to) {
      this(kind, from, to, () -> -1);
    }

    Named(SourceKind kind, long from, long to) {
      this(kind, from, () -> to);
    }

    Named(SourceKind kind, long to) {
      this(kind, 0, to);
    }

    @Override
    public String protocol() {
      return kind.name();
    }

    @Override
    public long available(URI uri, long offset) {
      long until = to.getAsLong();
      return offset >= from && offset < until ? until - offset : 0;
    }

    @Override
    public long takenIn(URI uri) {
      return taken.getAsLong();
    }
  }

  /** A source the planner only asks about: it never opens one. */
  private interface Planned extends Source {
    @Override
    default SourceResponse open(SourceRequest request) {
      throw new UnsupportedOperationException("the planner never opens");
    }

    @Override
    default TransferFailure classify(IOException e, String doing) {
      return FAILURE;
    }
  }

  /**
   * {@code sends}, holding the bytes {@code [0, holds)} ({@link Source#holds}), with at most {@code
   * limit} requests open ({@link Source#connectionLimit}), knowing of {@code others} machines that
   * fetch the file too ({@link Source#alsoFetching}).
   */
  private record Holding(Named sends, long holds, int limit, int others) implements Planned {
    Holding(Named sends, long holds) {
      this(sends, holds, Integer.MAX_VALUE, 0);
    }

    @Override
    public int connectionLimit() {
      return limit;
    }

    @Override
    public int alsoFetching(URI uri) {
      return others;
    }

    @Override
    public SourceKind kind() {
      return sends.kind();
    }

    @Override
    public String protocol() {
      return sends.protocol();
    }

    @Override
    public long available(URI uri, long offset) {
      return sends.available(uri, offset);
    }

    @Override
    public long holds(URI uri, long offset) {
      return offset < holds ? holds - offset : 0;
    }
  }

  private SourcePlanner planner(Source... others) {
    return SourcePlanner.of(FILE, origin, List.of(file -> List.of(others)), clock);
  }

  private SourcePlanner.Assignment plan(SourcePlanner planner, long start) {
    return planner.plan(start, -1, SIZE, PIECE);
  }

  @Test
  void offeredSourcesComeBeforeTheOriginForWhatTheyHaveAndNoMore() {
    Source cache = new Named(SourceKind.CACHE_SERVER, 4L * PIECE);
    Source peer = new Named(SourceKind.PEER, 2L * PIECE, 10L * PIECE);
    SourcePlanner planner = planner(cache, peer);

    assertThat(plan(planner, 0)).isEqualTo(new SourcePlanner.Assignment(cache, 0, 4L * PIECE));
    assertThat(plan(planner, 3L * PIECE))
        .isEqualTo(new SourcePlanner.Assignment(cache, 3L * PIECE, 4L * PIECE));
    assertThat(plan(planner, 4L * PIECE))
        .isEqualTo(new SourcePlanner.Assignment(peer, 4L * PIECE, 10L * PIECE));
    assertThat(planner.plan(5L * PIECE, 6L * PIECE, SIZE, PIECE))
        .as("never beyond the span asked for")
        .isEqualTo(new SourcePlanner.Assignment(peer, 5L * PIECE, 6L * PIECE));
    assertThat(plan(planner, 12L * PIECE))
        .as("nobody else has it: the origin, a few pieces at a time while others share the file")
        .isEqualTo(
            new SourcePlanner.Assignment(
                origin, 12L * PIECE, Math.min(SIZE, (12L + SourcePlanner.ORIGIN_PIECES) * PIECE)));
  }

  @Test
  void onlyTheOriginIsAskedWhileTheFilesVersionIsUnknown() {
    SourcePlanner planner = planner(new Named(SourceKind.PEER, SIZE));
    assertThat(planner.plan(0, -1, -1, PIECE).source()).isSameAs(origin);
  }

  @Test
  void aSourceThatFailedIsBannedForAWhileLongerEachTimeAndTheOriginStandsIn() {
    Source peer = new Named(SourceKind.PEER, SIZE);
    SourcePlanner planner = planner(peer);

    planner.failed(peer, FAILURE);
    assertThat(plan(planner, 0).source()).isSameAs(origin);
    clock.advance(SourcePlanner.FIRST_BAN.minusSeconds(1));
    assertThat(planner.isBanned(peer)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(plan(planner, 0).source()).as("the first ban is over").isSameAs(peer);

    planner.failed(peer, FAILURE);
    clock.advance(SourcePlanner.FIRST_BAN);
    assertThat(plan(planner, 0).source()).as("the second ban lasts twice as long").isSameAs(origin);
    clock.advance(SourcePlanner.FIRST_BAN);
    assertThat(plan(planner, 0).source()).isSameAs(peer);
  }

  @Test
  void bansNeverOutlastTheLongestBan() {
    Source peer = new Named(SourceKind.PEER, SIZE);
    SourcePlanner planner = planner(peer);
    for (int i = 0; i < 40; i++) {
      planner.failed(peer, FAILURE);
    }
    clock.advance(SourcePlanner.LONGEST_BAN);
    assertThat(plan(planner, 0).source()).isSameAs(peer);
  }

  @Test
  void theOriginIsNeverBannedAndANextCandidateStandsInBeforeIt() {
    Source cache = new Named(SourceKind.CACHE_SERVER, SIZE);
    Source peer = new Named(SourceKind.PEER, SIZE);
    SourcePlanner planner = planner(cache, peer);

    planner.failed(origin, FAILURE);
    planner.failed(cache, FAILURE);
    assertThat(plan(planner, 0).source()).isSameAs(peer);
    planner.failed(peer, FAILURE);
    assertThat(plan(planner, 0).source()).isSameAs(origin);
    assertThat(planner.isBanned(origin)).isFalse();
  }

  @Test
  void aStruckSourceIsNotAskedForThatPieceAgainAndTwoStrikesBanIt() {
    Source peer = new Named(SourceKind.PEER, SIZE);
    SourcePlanner planner = planner(peer);

    planner.strike(peer, 3);
    assertThat(plan(planner, 3L * PIECE).source())
        .as("the piece comes from elsewhere")
        .isSameAs(origin);
    assertThat(plan(planner, 0))
        .as("the peer still serves up to that piece")
        .isEqualTo(new SourcePlanner.Assignment(peer, 0, 3L * PIECE));
    assertThat(plan(planner, 4L * PIECE).source()).isSameAs(peer);
    assertThat(planner.isBanned(peer)).isFalse();

    planner.strike(peer, 7);
    assertThat(planner.isBanned(peer)).isTrue();
    assertThat(plan(planner, 0).source()).isSameAs(origin);
    clock.advance(SourcePlanner.FIRST_BAN);
    assertThat(plan(planner, 3L * PIECE).source())
        .as("after the ban, still not for the pieces it spoiled")
        .isSameAs(origin);
    assertThat(plan(planner, 4L * PIECE))
        .isEqualTo(new SourcePlanner.Assignment(peer, 4L * PIECE, 7L * PIECE));
  }

  @Test
  void aSourceThatLacksAPieceForNowIsNotLeftOutButThatPieceComesFromElsewhereForAWhile() {
    Source peer = new Named(SourceKind.PEER, SIZE);
    SourcePlanner planner = planner(peer);

    planner.failed(
        peer,
        new SourceLacks(
            3L * PIECE + 100,
            Duration.ofSeconds(20),
            HResult.DO_E_NO_SERVICE,
            "test",
            "nobody sent piece 3",
            null));
    assertThat(planner.isBanned(peer)).isFalse();
    assertThat(plan(planner, 3L * PIECE).source())
        .as("the piece it lacked comes from elsewhere")
        .isSameAs(origin);
    assertThat(plan(planner, 0))
        .as("the source still serves up to that piece")
        .isEqualTo(new SourcePlanner.Assignment(peer, 0, 3L * PIECE));
    assertThat(plan(planner, 4L * PIECE).source()).isSameAs(peer);

    clock.advance(Duration.ofSeconds(20));
    assertThat(plan(planner, 0))
        .as("once the wait is over, it is asked for that piece again")
        .isEqualTo(new SourcePlanner.Assignment(peer, 0, SIZE));
    planner.failed(peer, FAILURE);
    clock.advance(SourcePlanner.FIRST_BAN);
    assertThat(plan(planner, 0).source())
        .as("a failure after a lack is its first: banned no longer than a first ban")
        .isSameAs(peer);
  }

  @Test
  void whatASourceHoldsButWouldNotSendNowIsOfferedButNotAskedOfIt() {
    // Peers hold pieces 0 to 7; those that unchoke this machine, only 0 and 1.
    Source peer = new Holding(new Named(SourceKind.PEER, 2L * PIECE), 8L * PIECE);
    SourcePlanner planner = planner(peer);

    assertThat(planner.offered(SIZE, PIECE))
        .as("not for the origin: all it holds")
        .isEqualTo(bits(0, 8));
    assertThat(planner.servable(SIZE, PIECE)).as("what it is asked for").isEqualTo(bits(0, 2));
    assertThat(plan(planner, 0)).isEqualTo(new SourcePlanner.Assignment(peer, 0, 2L * PIECE));
    assertThat(plan(planner, 4L * PIECE).source())
        .as("a span it would not send now is not asked of it")
        .isSameAs(origin);
  }

  private static BitSet bits(int from, int to) {
    BitSet bits = new BitSet();
    bits.set(from, to);
    return bits;
  }

  @Test
  void aProviderThatFailsIsSkipped() {
    Source peer = new Named(SourceKind.PEER, SIZE);
    SourceProvider broken =
        file -> {
          throw new IllegalStateException("no tracker");
        };
    SourcePlanner planner =
        SourcePlanner.of(FILE, origin, List.of(broken, file -> List.of(peer)), clock);
    assertThat(plan(planner, 0).source()).isSameAs(peer);
  }

  /**
   * The planner of {@code peer}, which offers the first piece, once the origin fetched a piece of
   * this machine's own in a second: 1 MiB/s, the yardstick the peer is judged against.
   */
  private SourcePlanner afterAnOriginPiece(Source peer) {
    SourcePlanner planner = planner(peer);
    planner.offered(SIZE, PIECE);
    SourcePlanner.Assignment fromOrigin = planner.hold(8L * PIECE, -1, SIZE, PIECE);
    assertThat(planner.isOrigin(fromOrigin.source())).isTrue();
    clock.advance(Duration.ofSeconds(1));
    planner.received(origin, PIECE);
    planner.release(origin);
    return planner;
  }

  @Test
  void aSpanAnotherSourceHoldsWaitsForItsRoomWhileItKeepsUpRatherThanGoToTheOrigin() {
    // A peer source that takes one request at a time, holding pieces 0 to 3.
    Source peer = new Holding(new Named(SourceKind.PEER, 4L * PIECE), 4L * PIECE, 1, 0);
    SourcePlanner planner = afterAnOriginPiece(peer);

    assertThat(planner.hold(0, -1, SIZE, PIECE))
        .isEqualTo(new SourcePlanner.Assignment(peer, 0, 4L * PIECE));
    // A second connection chose piece 2 while the peer had room; it has none now.
    assertThat(planner.hold(2L * PIECE, -1, SIZE, PIECE).waits())
        .as("what the peer holds is not the origin's to send while the peer keeps up")
        .isTrue();
    SourcePlanner.Assignment elsewhere = planner.hold(8L * PIECE, -1, SIZE, PIECE);
    assertThat(elsewhere.source()).as("what nobody else holds").isSameAs(origin);
    clock.advance(Duration.ofSeconds(1));
    planner.received(origin, PIECE);
    planner.release(origin);

    planner.release(peer);
    assertThat(planner.hold(2L * PIECE, -1, SIZE, PIECE).source())
        .as("once it has room again")
        .isSameAs(peer);

    // The first window counts what it offers as gained; in the next it hands on and gains
    // nothing: it falls behind the origin, which then takes what the peer holds too.
    clock.advance(SourcePlanner.QOS_WINDOW);
    assertThat(planner.othersFallBehind()).isFalse();
    clock.advance(SourcePlanner.QOS_WINDOW);
    assertThat(planner.othersFallBehind()).isTrue();
    assertThat(planner.hold(3L * PIECE, -1, SIZE, PIECE).source()).isSameAs(origin);
  }

  @Test
  void othersThatFallBehindLeaveTheOriginOneRequestAtATimeWhereOtherMachinesFetchTheFileToo() {
    for (int alsoFetching : new int[] {0, 3}) {
      // A peer that offers the first piece and hands nothing on.
      Source peer =
          new Holding(new Named(SourceKind.PEER, PIECE), PIECE, Integer.MAX_VALUE, alsoFetching);
      SourcePlanner planner = afterAnOriginPiece(peer);
      clock.advance(SourcePlanner.QOS_WINDOW);
      planner.othersFallBehind();
      clock.advance(SourcePlanner.QOS_WINDOW);
      assertThat(planner.othersFallBehind()).isTrue();

      assertThat(planner.hold(8L * PIECE, -1, SIZE, PIECE).source()).isSameAs(origin);
      SourcePlanner.Assignment second = planner.hold(12L * PIECE, -1, SIZE, PIECE);
      if (alsoFetching == 0) {
        assertThat(second.source())
            .as("alone: every connection goes to the origin")
            .isSameAs(origin);
      } else {
        assertThat(second.waits())
            .as("the origin is shared by %d machines more: one request at a time", alsoFetching)
            .isTrue();
      }
    }
  }

  @Test
  void othersThatGainPiecesKeepUpThoughNothingAskedWhatTheyOfferSince() {
    AtomicLong has = new AtomicLong(PIECE);
    Source peer = new Named(SourceKind.PEER, 0, has::get);
    SourcePlanner planner = afterAnOriginPiece(peer);

    // The peers gain eight pieces in the next five seconds and give none yet.
    has.set(9L * PIECE);
    clock.advance(SourcePlanner.QOS_WINDOW);

    assertThat(planner.othersFallBehind()).isFalse();
  }

  @Test
  void othersThatTakeInPiecesAheadKeepUpThoughTheirResponsesHandedNothingOnYet() {
    AtomicLong taken = new AtomicLong();
    Source peer = new Named(SourceKind.PEER, 0, () -> PIECE, taken::get);
    SourcePlanner planner = afterAnOriginPiece(peer);

    // Over the next window the peers send blocks of several pieces at once (2 MiB in 5 s, 40 % of
    // the origin's rate); the piece the response waits on is not whole yet: it hands on nothing,
    // and they offer nothing more.
    taken.set(2L * PIECE);
    clock.advance(SourcePlanner.QOS_WINDOW);
    assertThat(planner.othersFallBehind()).isFalse();

    // A window in which they take in nothing either: they fall behind.
    clock.advance(SourcePlanner.QOS_WINDOW);
    assertThat(planner.othersFallBehind()).isTrue();
  }

  @Test
  void whatAPeerSourceTookInBeforeThisRunDoesNotHideWhatItHandsOnNow() {
    // The session fetched 20 pieces for an earlier run; this run's responses hand on what it holds.
    Source peer = new Named(SourceKind.PEER, 0, () -> PIECE, () -> 20L * PIECE);
    SourcePlanner planner = afterAnOriginPiece(peer);

    for (int window = 0; window < 2; window++) {
      planner.received(peer, 2L * PIECE);
      clock.advance(SourcePlanner.QOS_WINDOW);
      assertThat(planner.othersFallBehind()).as("window %d", window).isFalse();
    }
  }
}
