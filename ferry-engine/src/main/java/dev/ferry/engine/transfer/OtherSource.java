package dev.ferry.engine.transfer;

import dev.ferry.spi.Source;
import java.net.URI;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source of one file other than its origin, as its {@link SourcePlanner} sees it: the requests it
 * has open, and what it did wrong. One that fails is left out for a while ({@link
 * SourcePlanner#FIRST_BAN}, twice as long each time up to {@link SourcePlanner#LONGEST_BAN}); a
 * piece whose bytes it sent fails its hash is a strike, it is not asked for that piece again, and
 * after {@value SourcePlanner#STRIKES_BEFORE_BAN} strikes it is left out too. A piece it only lacks
 * for now ({@link dev.ferry.spi.SourceLacks}) is left to the others for a while. Not thread-safe:
 * the planner calls it under its lock, with its clock's time.
 */
final class OtherSource {
  private static final Logger log = LoggerFactory.getLogger(OtherSource.class);

  final Source source;

  /** Requests the planner gave it that are not released yet. */
  int held;

  /** What its responses handed on, counted on the copy path with no lock. */
  final LongAdder delivered = new LongAdder();

  private final URI uri;
  private final BitSet blamedPieces = new BitSet();

  /**
   * Bytes it lacked ({@link SourceLacks}), with when it may be asked for their pieces again: a few
   * at a time, forgotten once past.
   */
  private final Map<Long, Long> lacking = new HashMap<>();

  private long bannedUntilNanos;
  private boolean banned;
  private int failures;
  private int strikes;

  /**
   * What it had taken in when the planner was made: a source may have fetched the file for an
   * earlier run, and only this run's pace counts.
   */
  private final long takenBefore;

  OtherSource(Source source, URI uri) {
    this.source = source;
    this.uri = uri;
    this.takenBefore = Math.max(0, takenIn());
  }

  /** {@link Source#alsoFetching}, 0 where it fails to say. */
  int alsoFetching() {
    try {
      return Math.max(0, source.alsoFetching(uri));
    } catch (RuntimeException e) {
      log.warn("source {} failed to say who else fetches {}", source, uri, e);
      return 0;
    }
  }

  /**
   * What it gave in this run so far: what it took in ({@link Source#takenIn}) where it says, or
   * what its responses handed on where that is more (pieces it held before).
   */
  long progress() {
    long taken = takenIn();
    return Math.max(taken < 0 ? -1 : taken - takenBefore, delivered.sum());
  }

  private long takenIn() {
    try {
      return source.takenIn(uri);
    } catch (RuntimeException e) {
      log.warn("source {} failed to say what it took in of {}", source, uri, e);
      return -1;
    }
  }

  /** Whether it is left out at {@code now}. */
  boolean bannedAt(long now) {
    return banned && now - bannedUntilNanos < 0;
  }

  /** Whether it may take another request now: below its connection limit and not left out. */
  boolean hasRoom(long now) {
    return held < source.connectionLimit() && !bannedAt(now);
  }

  /**
   * How far from {@code start} towards {@code stop} it may be asked at {@code now} ({@link
   * Source#available}); start: not.
   */
  long servableEnd(long start, long stop, int pieceSize, long now) {
    return end(start, stop, pieceSize, now, false);
  }

  /**
   * As {@link #servableEnd}, by what it holds ({@link Source#holds}), whether it would send it now
   * or not.
   */
  long heldEnd(long start, long stop, int pieceSize, long now) {
    return end(start, stop, pieceSize, now, true);
  }

  private long end(long start, long stop, int pieceSize, long now, boolean held) {
    if (bannedAt(now)) {
      return start;
    }
    banned = false;
    int piece = (int) (start / pieceSize);
    if (blamedPieces.get(piece)) {
      return start;
    }
    long available;
    try {
      available = held ? source.holds(uri, start) : source.available(uri, start);
    } catch (RuntimeException e) {
      log.warn("source {} failed to say what it has of {}", source, uri, e);
      return start;
    }
    if (available <= 0) {
      return start;
    }
    long until = stop - start <= available ? stop : start + available;
    int blamed = blamedPieces.nextSetBit(piece + 1);
    if (blamed >= 0) {
      until = Math.min(until, (long) blamed * pieceSize);
    }
    for (Iterator<Map.Entry<Long, Long>> it = lacking.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Long> lacked = it.next();
      if (now - lacked.getValue() >= 0) {
        it.remove();
        continue;
      }
      long lackedPiece = lacked.getKey() / pieceSize;
      if (lackedPiece == piece) {
        return start;
      }
      if (lackedPiece > piece) {
        until = Math.min(until, lackedPiece * pieceSize);
      }
    }
    return until;
  }

  /**
   * It lacked byte {@code offset} for now, at {@code now}: the piece is left to the others for
   * {@code wait}, and it is not left out.
   */
  void lacks(long offset, Duration wait, String why, long now) {
    long nanos = wait.toNanos();
    lacking.put(offset, now + nanos);
    log.debug(
        "{} source {} for {}: byte {} left to other sources for {} s: {}",
        source.kind(),
        source,
        uri,
        offset,
        nanos / 1_000_000_000,
        why);
  }

  /** It failed to deliver what it was asked for, at {@code now}: left out for a while. */
  void failed(String why, long now) {
    failures++;
    ban("failed: " + why, now);
  }

  /** Bytes it sent for {@code piece} failed the piece's hash, at {@code now}. */
  void strike(int piece, long now) {
    blamedPieces.set(piece);
    strikes++;
    try {
      source.rejected(uri, piece);
    } catch (RuntimeException e) {
      log.warn("source {} failed to take the blame for piece {}", source, piece, e);
    }
    if (strikes >= SourcePlanner.STRIKES_BEFORE_BAN) {
      failures++;
      ban("sent " + strikes + " pieces that failed their hashes", now);
    }
  }

  private void ban(String why, long now) {
    long nanos = SourcePlanner.FIRST_BAN.toNanos() << Math.min(failures - 1, 20);
    nanos = Math.min(nanos, SourcePlanner.LONGEST_BAN.toNanos());
    banned = true;
    bannedUntilNanos = now + nanos;
    log.debug(
        "{} source {} for {} left out for {} s: {}",
        source.kind(),
        source,
        uri,
        nanos / 1_000_000_000,
        why);
  }
}
