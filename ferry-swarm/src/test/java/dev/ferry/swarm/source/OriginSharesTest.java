package dev.ferry.swarm.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.wire.PeerId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which machine of a fleet asks the origin for each piece. */
class OriginSharesTest {
  private static final int PIECES = 1024;
  private static final long SALT = 0x5eed_f00d_cafe_beefL;

  private final List<PeerId> fleet = ids(8);

  @Test
  void machinesThatKnowEachOtherFetchEachPieceOnceBetweenThem() {
    int[] fetchers = new int[PIECES];
    for (PeerId self : fleet) {
      BitSet own = own(self, fleet, SALT);
      for (int piece = own.nextSetBit(0); piece >= 0; piece = own.nextSetBit(piece + 1)) {
        fetchers[piece]++;
      }
    }

    for (int piece = 0; piece < PIECES; piece++) {
      assertThat(fetchers[piece]).as("machines fetching piece %d", piece).isEqualTo(1);
    }
  }

  @Test
  void eachMachineGetsAboutItsShare() {
    for (PeerId self : fleet) {
      // 128 pieces each on average; a binomial's spread is about 11 of them.
      assertThat(own(self, fleet, SALT).cardinality()).isBetween(80, 176);
    }
  }

  @Test
  void aMachineThatKnowsOnlySomeOfTheFleetStillLeavesEveryOtherMachineItsOwn() {
    PeerId partial = fleet.get(0);
    List<PeerId> known = fleet.subList(0, 3);
    BitSet ownPartially = own(partial, known, SALT);

    for (PeerId other : fleet.subList(1, 3)) {
      BitSet theirs = own(other, fleet, SALT);
      assertThat(ownPartially.intersects(theirs))
          .as("a piece of a machine it knows is never its own")
          .isFalse();
    }
    // What it fetches besides its own share is what the machines it does not know fetch: a
    // second copy of those, never a piece nobody fetches.
    assertThat(ownPartially.cardinality())
        .isGreaterThanOrEqualTo(own(partial, fleet, SALT).cardinality());
  }

  @Test
  void aMachineAloneFetchesEverything() {
    assertThat(OriginShares.othersFetch(SALT, fleet.get(0), List.of(), PIECES).isEmpty()).isTrue();
    assertThat(
            OriginShares.othersFetch(SALT, fleet.get(0), List.of(fleet.get(0)), PIECES).isEmpty())
        .as("itself among the others")
        .isTrue();
  }

  @Test
  void anotherFileIsSharedOtherwise() {
    PeerId self = fleet.get(0);

    assertThat(own(self, fleet, SALT)).isNotEqualTo(own(self, fleet, SALT + 1));
  }

  /** The pieces {@code self} fetches from the origin itself, knowing {@code known}. */
  private static BitSet own(PeerId self, List<PeerId> known, long salt) {
    BitSet theirs = OriginShares.othersFetch(salt, self, known, PIECES);
    BitSet own = new BitSet();
    own.set(0, PIECES);
    own.andNot(theirs);
    return own;
  }

  private static List<PeerId> ids(int count) {
    List<PeerId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(PeerId.random());
    }
    return ids;
  }
}
