package dev.ferry.engine.transfer;

import java.util.BitSet;

/**
 * Which pieces a file's origin is asked for next while other sources share the file: only pieces no
 * other source offers (those will come from them). A host goes on from where its last origin
 * request ended while the pieces there are still nobody's: what other hosts fetch from the origin
 * now they cannot show until they have it, and each goes on likewise from its own place, so the run
 * after a host's last request is its own to fetch. Once that run is done (its next piece is
 * offered: another host's), or another host turns out to have fetched the same pieces (they are
 * offered: two hosts went on side by side, and would collide at every request), the host starts
 * again in the middle of the largest run nobody offers, as aria2 splits a segment in two: as far as
 * can be from the host whose run it is, which goes on from the run's start. Where several hosts see
 * the same run, the place is drawn from its middle half, so that they rarely pick the same piece. A
 * host's first request, while nothing anyone fetches can be seen, is one piece from anywhere.
 */
final class OriginPick {
  /** Pieces {@code [first, end)}. */
  record Run(int first, int end) {
    Run {
      if (first < 0 || end <= first) {
        throw new IllegalArgumentException("pieces [" + first + ", " + end + ")");
      }
    }

    int length() {
      return end - first;
    }
  }

  private OriginPick() {}

  /**
   * The pieces to ask the origin for, at most {@code most} of them (one for a host's first), or
   * null when every free piece is offered by another source.
   *
   * @param free the missing pieces no connection of this file is fetching
   * @param offered the pieces another source offers now
   * @param draw a number in [0, 1): where in the run's middle half the request begins (0.5: at its
   *     middle); for this host's first request, where in the whole run
   * @param last the pieces of this host's last origin request, or null before one
   */
  static Run choose(BitSet free, BitSet offered, int most, double draw, Run last) {
    if (most < 1 || draw < 0 || draw >= 1) {
      throw new IllegalArgumentException("most " + most + ", draw " + draw);
    }
    BitSet wanted = (BitSet) free.clone();
    wanted.andNot(offered);
    if (last != null && wanted.get(last.end()) && offered.get(last.first(), last.end()).isEmpty()) {
      int next = last.end();
      return new Run(next, Math.min(wanted.nextClearBit(next), next + most));
    }
    Run largest = null;
    for (int first = wanted.nextSetBit(0); first >= 0; ) {
      int end = wanted.nextClearBit(first);
      if (largest == null || end - first > largest.length()) {
        largest = new Run(first, end);
      }
      first = wanted.nextSetBit(end);
    }
    if (largest == null) {
      return null;
    }
    int length = largest.length();
    if (last == null) {
      // Nothing anyone fetches can be seen yet: one piece, from anywhere, is what two machines
      // starting together least likely both ask for, and the others see it soonest.
      int first = largest.first() + Math.min(length - 1, (int) (length * draw));
      return new Run(first, first + 1);
    }
    if (length <= most) {
      // One request takes it all: splitting it would only leave a remnant for another request.
      return largest;
    }
    int from = Math.min(length - 1, (int) (length * (0.25 + draw / 2)));
    int first = largest.first() + from;
    return new Run(first, Math.min(largest.end(), first + most));
  }
}
