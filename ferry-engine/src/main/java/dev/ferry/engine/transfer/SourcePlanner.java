package dev.ferry.engine.transfer;

import dev.ferry.spi.Clock;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.LocalCopy;
import dev.ferry.spi.OriginHeldOff;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceProvider;
import dev.ferry.spi.TransferFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for one file and each missing span of it, which source is asked next, and what a
 * source's failure means. The sources offered by the engine's {@link SourceProvider}s are asked
 * first, in their order, each for no more than it says it has ({@link Source#available}); one that
 * fails is banned for a while (longer each time), one whose pieces fail their hashes gets a strike
 * per piece, is not asked for those pieces again, and is banned after {@value #STRIKES_BEFORE_BAN}
 * of them. The origin is the last resort: never banned, always asked when no other source can
 * serve, and its failures are the file's.
 *
 * <p>Until the file's version (size and validators) is known, only the origin and the sources that
 * relay it ({@link Source#relaysOrigin}, a cache server) are asked: only they can tell what the
 * file is. One planner serves one run of one file's transfer; its connections ask it at once, so it
 * is thread-safe.
 */
public final class SourcePlanner {
  private static final Logger log = LoggerFactory.getLogger(SourcePlanner.class);

  /** How long a source that failed is left out the first time; each further failure doubles it. */
  static final Duration FIRST_BAN = Duration.ofSeconds(30);

  /** The longest a source is left out at a time. */
  static final Duration LONGEST_BAN = Duration.ofMinutes(10);

  /** Pieces a source may send that fail their hashes before it is banned. */
  static final int STRIKES_BEFORE_BAN = 2;

  /**
   * The next request: ask {@code source} for bytes {@code [start, end)} of the file ({@code end}
   * -1: to the end).
   */
  public record Assignment(Source source, long start, long end) {}

  private final FileRef file;
  private final Source origin;
  private final List<Candidate> others;
  private final Clock clock;

  /** A source other than the origin, with what it did wrong. */
  private static final class Candidate {
    final Source source;
    long bannedUntilNanos;
    boolean banned;
    int failures;
    int strikes;
    int held;
    final BitSet blamedPieces = new BitSet();

    Candidate(Source source) {
      this.source = source;
    }
  }

  private SourcePlanner(FileRef file, Source origin, List<Source> others, Clock clock) {
    this.file = file;
    this.origin = origin;
    this.clock = clock;
    this.others = new ArrayList<>();
    for (Source source : others) {
      if (source != null && source != origin) {
        this.others.add(new Candidate(source));
      }
    }
  }

  /**
   * The planner of {@code file}: the sources its providers offer now, then {@code origin}. A
   * provider that fails is skipped.
   */
  public static SourcePlanner of(
      FileRef file, Source origin, List<SourceProvider> providers, Clock clock) {
    return of(file, origin, providers, LocalCopy.NONE, clock);
  }

  /**
   * The planner of {@code file}, whose checked pieces this engine holds in {@code local} while it
   * transfers (for the providers that serve them to others).
   */
  public static SourcePlanner of(
      FileRef file, Source origin, List<SourceProvider> providers, LocalCopy local, Clock clock) {
    List<Source> offered = new ArrayList<>();
    for (SourceProvider provider : providers) {
      try {
        offered.addAll(provider.sourcesFor(file, local));
      } catch (RuntimeException e) {
        log.warn("source provider {} failed for {}; going on without it", provider, file.uri(), e);
      }
    }
    return new SourcePlanner(file, origin, offered, clock);
  }

  /** A planner with the origin alone. */
  public static SourcePlanner originOnly(FileRef file, Source origin, Clock clock) {
    return new SourcePlanner(file, origin, List.of(), clock);
  }

  public FileRef file() {
    return file;
  }

  public Source origin() {
    return origin;
  }

  public boolean isOrigin(Source source) {
    return source == origin;
  }

  /** Whether any source besides the origin was offered. */
  public boolean hasAlternatives() {
    return !others.isEmpty();
  }

  /**
   * The source to ask for the bytes {@code [start, end)} of the file ({@code end} -1: to the end):
   * the first other source that is not banned, has bytes at {@code start} and is not blamed for its
   * piece, with the span cut to what it has and to before the next piece it is blamed for; else the
   * origin, for the whole span.
   *
   * @param fileSize the file's size, or -1 while its version is unknown (then only the sources that
   *     relay the origin, for the whole span, and the origin)
   * @param pieceSize the size of the pieces strikes are counted in
   */
  public synchronized Assignment plan(long start, long end, long fileSize, int pieceSize) {
    return choose(start, end, fileSize, pieceSize, false);
  }

  /**
   * As {@link #plan}, for a request about to be made: the source chosen counts it until {@link
   * #release}, and a source with as many requests open as its {@link Source#connectionLimit} is
   * passed over, so that a file's other connections go to the next source (the origin beside
   * peers).
   */
  public synchronized Assignment hold(long start, long end, long fileSize, int pieceSize) {
    return choose(start, end, fileSize, pieceSize, true);
  }

  /** A request {@link #hold} counted for {@code source} is done with. */
  public synchronized void release(Source source) {
    Candidate candidate = candidateOf(source);
    if (candidate != null && candidate.held > 0) {
      candidate.held--;
    }
  }

  private Assignment choose(long start, long end, long fileSize, int pieceSize, boolean holding) {
    long now = clock.nanoTime();
    for (Candidate candidate : others) {
      if (candidate.held >= candidate.source.connectionLimit()) {
        continue;
      }
      Assignment chosen = assignment(candidate, start, end, fileSize, pieceSize, now);
      if (chosen != null) {
        if (holding) {
          candidate.held++;
        }
        return chosen;
      }
    }
    return new Assignment(origin, start, end);
  }

  /** What {@code candidate} may be asked for, or null. */
  private Assignment assignment(
      Candidate candidate, long start, long end, long fileSize, int pieceSize, long now) {
    {
      if (fileSize >= 0) {
        long until = servableEnd(candidate, start, end < 0 ? fileSize : end, pieceSize, now);
        if (until > start) {
          return new Assignment(candidate.source, start, until);
        }
      } else if (candidate.source.relaysOrigin()
          && servableEnd(candidate, start, Long.MAX_VALUE, pieceSize, now) > start) {
        return new Assignment(candidate.source, start, end);
      }
    }
    return null;
  }

  /**
   * How far from {@code start} towards {@code stop} the candidate may be asked; start: not at all.
   */
  private long servableEnd(Candidate candidate, long start, long stop, int pieceSize, long now) {
    if (candidate.banned && now - candidate.bannedUntilNanos < 0) {
      return start;
    }
    candidate.banned = false;
    int piece = (int) (start / pieceSize);
    if (candidate.blamedPieces.get(piece)) {
      return start;
    }
    long available;
    try {
      available = candidate.source.available(file.uri(), start);
    } catch (RuntimeException e) {
      log.warn("source {} failed to say what it has of {}", candidate.source, file.uri(), e);
      return start;
    }
    if (available <= 0) {
      return start;
    }
    long until = stop - start <= available ? stop : start + available;
    int blamed = candidate.blamedPieces.nextSetBit(piece + 1);
    if (blamed >= 0) {
      until = Math.min(until, (long) blamed * pieceSize);
    }
    return until;
  }

  /**
   * {@code source} failed to deliver what it was asked for: unless it is the origin (whose failures
   * are the file's) or holds the origin off (its failure is the file's, and it is asked first again
   * when the job retries), it is left out for a while.
   */
  public synchronized void failed(Source source, TransferFailure failure) {
    Candidate candidate = candidateOf(source);
    if (candidate == null || failure instanceof OriginHeldOff) {
      return;
    }
    candidate.failures++;
    ban(candidate, "failed: " + failure.getMessage());
  }

  /**
   * A piece {@code source} sent bytes of failed its hash: it is not asked for that piece again, and
   * is banned once it has {@value #STRIKES_BEFORE_BAN} strikes. The origin gets none.
   */
  public synchronized void strike(Source source, int piece) {
    Candidate candidate = candidateOf(source);
    if (candidate == null) {
      return;
    }
    candidate.blamedPieces.set(piece);
    candidate.strikes++;
    try {
      source.rejected(file.uri(), piece);
    } catch (RuntimeException e) {
      log.warn("source {} failed to take the blame for piece {}", source, piece, e);
    }
    if (candidate.strikes >= STRIKES_BEFORE_BAN) {
      candidate.failures++;
      ban(candidate, "sent " + candidate.strikes + " pieces that failed their hashes");
    }
  }

  /** Whether {@code source} is left out now. */
  public synchronized boolean isBanned(Source source) {
    Candidate candidate = candidateOf(source);
    return candidate != null
        && candidate.banned
        && clock.nanoTime() - candidate.bannedUntilNanos < 0;
  }

  private void ban(Candidate candidate, String why) {
    long nanos = FIRST_BAN.toNanos() << Math.min(candidate.failures - 1, 20);
    nanos = Math.min(nanos, LONGEST_BAN.toNanos());
    candidate.banned = true;
    candidate.bannedUntilNanos = clock.nanoTime() + nanos;
    log.debug(
        "{} source {} for {} left out for {} s: {}",
        candidate.source.kind(),
        candidate.source,
        file.uri(),
        nanos / 1_000_000_000,
        why);
  }

  private Candidate candidateOf(Source source) {
    for (Candidate candidate : others) {
      if (candidate.source == source) {
        return candidate;
      }
    }
    return null;
  }
}
