package dev.ferry.swarm.source;

import dev.ferry.swarm.wire.PeerId;
import java.util.BitSet;
import java.util.Collection;

/**
 * Which of the Ferry machines fetching one file together asks the origin for each piece, so that
 * the origin sends each piece about once: every machine ranks the machines it knows (itself and the
 * Ferry peers it is connected to that still download) by a hash of the piece and their peer ids,
 * and the first is the piece's fetcher (rendezvous hashing). Nobody needs to agree on anything or
 * send a message: the first of all the machines is also the first of any of them that includes it,
 * and every machine includes itself, so each piece's fetcher fetches it whoever else it knows; a
 * machine that does not know the fetcher yet fetches the piece too, which costs the origin a second
 * copy, not a missing one. A fetcher that leaves drops out of the others' ranking, and its pieces
 * go to the next. A machine that does not fetch what it is given (too slow, or it has no origin) is
 * covered by the engine: once the peers fall behind the origin, the origin is asked for everything
 * missing.
 */
final class OriginShares {
  private OriginShares() {}

  /**
   * The pieces among {@code pieceCount} that a machine other than {@code self} among {@code others}
   * fetches from the origin of the content {@code salt} stands for.
   *
   * @param salt the content's identity (its info-hash), so that one machine is not first for the
   *     same pieces of every file
   */
  static BitSet othersFetch(long salt, PeerId self, Collection<PeerId> others, int pieceCount) {
    BitSet theirs = new BitSet(pieceCount);
    if (others.isEmpty() || pieceCount <= 0) {
      return theirs;
    }
    long own = key(self, salt);
    long[] keys = new long[others.size()];
    int n = 0;
    for (PeerId other : others) {
      if (!other.equals(self)) {
        keys[n++] = key(other, salt);
      }
    }
    for (int piece = 0; piece < pieceCount; piece++) {
      long ownScore = score(own, piece);
      for (int i = 0; i < n; i++) {
        long score = score(keys[i], piece);
        // Ties (two equal 64-bit scores) are broken by the key, the same way on every machine.
        if (score > ownScore || (score == ownScore && keys[i] > own)) {
          theirs.set(piece);
          break;
        }
      }
    }
    return theirs;
  }

  /** A machine's key for one content: its whole peer id, mixed with the content's salt. */
  static long key(PeerId id, long salt) {
    long h = salt;
    for (byte b : id.bytes()) {
      h = mix(h ^ (b & 0xff));
    }
    return h;
  }

  private static long score(long key, int piece) {
    return mix(key + piece * 0x9E3779B97F4A7C15L);
  }

  /** SplitMix64's finaliser: every bit of the input moves about half the output's bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
