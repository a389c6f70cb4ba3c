package dev.ferry.engine.transfer;

import dev.ferry.engine.concurrent.ChangeSignal;
import dev.ferry.spi.Clock;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.LocalCopy;
import dev.ferry.spi.OriginHeldOff;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceLacks;
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
 *
 * <p>An origin of kind {@link SourceKind#ORIGIN} may be held back ({@link OriginHoldback.Rule},
 * DO's HTTP delay): for that long after the planner was made (the file's transfer started), while
 * another source can serve a span, a request the others cannot take (they are at their connection
 * limit) waits ({@link Assignment#waits}) instead of going to the origin, and while the version is
 * unknown the origin is asked for its first byte alone ({@link Assignment#probe}), which tells the
 * version. Where no other source can serve (none, all banned, none has the bytes) the origin is
 * asked at once. While the other sources give less than the rule's minimum rate over {@link
 * #QOS_WINDOW} (DO's minimum background QoS), the origin is not held back. Once it is not, it works
 * beside them ({@link #originBeside}): the file's transfer gives it a connection of its own.
 *
 * <p>While other sources share a file, the origin is asked for what tells the version alone (a
 * probe), then {@value #ORIGIN_PIECES} pieces a request and {@value #ORIGIN_REQUESTS} request at a
 * time while the others keep up with it ({@link OthersPace}) or other machines fetch the file too;
 * which pieces, the file's transfer chooses from what the others neither {@link #offered offer} nor
 * are {@link #promised} ({@link ClaimOrder}, {@link OriginPick}).
 */
public final class SourcePlanner {
  private static final Logger log = LoggerFactory.getLogger(SourcePlanner.class);

  /** How long a source that failed is left out the first time; each further failure doubles it. */
  static final Duration FIRST_BAN = Duration.ofSeconds(30);

  /** The longest a source is left out at a time. */
  static final Duration LONGEST_BAN = Duration.ofMinutes(10);

  /** The most pieces one request asks of the origin while other sources share the file. */
  static final int ORIGIN_PIECES = 4;

  /**
   * The most requests the origin has open at once for a file while other sources share it and
   * deliver: what a host asks the origin for, the others cannot see until it has it, and each
   * request more is pieces another host may ask for too.
   */
  static final int ORIGIN_REQUESTS = 1;

  /** Pieces a source may send that fail their hashes before it is banned. */
  static final int STRIKES_BEFORE_BAN = 2;

  /** How long the rate of the sources other than the origin is measured before it is judged. */
  public static final Duration QOS_WINDOW = Duration.ofSeconds(5);

  /** The longest a request told to wait waits before it asks again. */
  static final Duration LONGEST_WAIT = Duration.ofMillis(200);

  /**
   * The next request: ask {@code source} for bytes {@code [start, end)} of the file ({@code end}
   * -1: to the end); no source: wait ({@link #awaitChange}) and ask again.
   *
   * @param probe the origin is asked only for what tells the file's version (its first byte there):
   *     other sources serve the bytes, and a 416 only means the origin cannot send that byte
   */
  public record Assignment(Source source, long start, long end, boolean probe) {
    public Assignment(Source source, long start, long end) {
      this(source, start, end, false);
    }

    /** No source may be asked now: the origin is held back and the others are busy. */
    public boolean waits() {
      return source == null;
    }
  }

  private final FileRef file;
  private final Source origin;
  private final List<OtherSource> others;

  /** The piece sets the others' answers make. */
  private final OthersPieces othersPieces;

  private final Clock clock;

  /** What holds the origin back, for a planner that has other sources and an ORIGIN origin. */
  private final OriginDelay delay;

  /** The origin answered a probe with 416 (an empty file): it is asked whole. */
  private boolean probeRefused;

  /** The origin's requests while others share the file; guarded by this. */
  private final OriginRequests originRequests;

  /** The file's size and piece size {@link #offered} was last asked with; guarded by this. */
  private long offeredFileSize;

  private int offeredPieceSize;

  /** Tells waiting requests that a source was released or failed. */
  private final ChangeSignal changes = new ChangeSignal();

  private SourcePlanner(
      FileRef file, Source origin, List<Source> others, Clock clock, OriginHoldback.Rule holdback) {
    this.file = file;
    this.origin = origin;
    this.clock = clock;
    this.others = new ArrayList<>();
    for (Source source : others) {
      if (source != null && source != origin) {
        this.others.add(new OtherSource(source, file.uri()));
      }
    }
    this.othersPieces = new OthersPieces(this.others, file.uri());
    boolean othersServe =
        this.others.stream().anyMatch(c -> !SourceKind.ORIGIN.equals(c.source.kind()));
    long startNanos = clock.nanoTime();
    this.delay =
        new OriginDelay(
            file.uri(),
            othersServe && origin != null && SourceKind.ORIGIN.equals(origin.kind())
                ? holdback
                : OriginHoldback.Rule.NONE,
            startNanos);
    this.originRequests = new OriginRequests(file.uri(), startNanos);
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
    return of(file, origin, providers, local, clock, OriginHoldback.Rule.NONE);
  }

  /**
   * The planner of {@code file}, whose origin {@code holdback} holds back while the other sources
   * can serve (from now: the file's transfer starts).
   */
  public static SourcePlanner of(
      FileRef file,
      Source origin,
      List<SourceProvider> providers,
      LocalCopy local,
      Clock clock,
      OriginHoldback.Rule holdback) {
    List<Source> offered = new ArrayList<>();
    for (SourceProvider provider : providers) {
      try {
        offered.addAll(provider.sourcesFor(file, local));
      } catch (RuntimeException e) {
        log.warn("source provider {} failed for {}; going on without it", provider, file.uri(), e);
      }
    }
    return new SourcePlanner(file, origin, offered, clock, holdback);
  }

  /** A planner with the origin alone. */
  public static SourcePlanner originOnly(FileRef file, Source origin, Clock clock) {
    return new SourcePlanner(file, origin, List.of(), clock, OriginHoldback.Rule.NONE);
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
   * The pieces some source other than the origin offers (not banned, not blamed for the piece),
   * from what each says it holds ({@link Source#holds}), whether it would send them now or later:
   * pieces the origin need not be asked for.
   */
  public synchronized BitSet offered(long fileSize, int pieceSize) {
    BitSet offered = othersPieces.runs(fileSize, pieceSize, true, clock.nanoTime());
    originRequests.offered((long) offered.cardinality() * pieceSize);
    offeredFileSize = fileSize;
    offeredPieceSize = pieceSize;
    return offered;
  }

  /**
   * The pieces some source other than the origin would send now (not banned, not blamed for the
   * piece), from what each says it has available ({@link Source#available}): those a request to
   * another source is for.
   */
  public synchronized BitSet servable(long fileSize, int pieceSize) {
    return othersPieces.runs(fileSize, pieceSize, false, clock.nanoTime());
  }

  /**
   * The pieces some source other than the origin (not banned) holds here already ({@link
   * Source#ready}): the first a request to another source is for.
   */
  public synchronized BitSet ready(long fileSize, int pieceSize) {
    return othersPieces.union(fileSize, pieceSize, Source::ready, "holds ready", clock.nanoTime());
  }

  /**
   * The pieces some source other than the origin (not banned) expects to offer once another machine
   * has fetched them from the origin ({@link Source#promised}): the origin is not asked for them
   * here while the others keep up.
   */
  public synchronized BitSet promised(long fileSize, int pieceSize) {
    return othersPieces.union(fileSize, pieceSize, Source::promised, "expects", clock.nanoTime());
  }

  /**
   * Whether a source other than the origin could take a request now: one not banned, below its
   * connection limit.
   */
  public synchronized boolean othersHaveRoom() {
    long now = clock.nanoTime();
    for (OtherSource candidate : others) {
      if (candidate.hasRoom(now)) {
        return true;
      }
    }
    return false;
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
   * peers); but a span another source holds waits for its room rather than go to the origin, while
   * the others keep up ({@link #othersFallBehind}).
   */
  public synchronized Assignment hold(long start, long end, long fileSize, int pieceSize) {
    return choose(start, end, fileSize, pieceSize, true);
  }

  /** A request {@link #hold} counted for {@code source} is done with. */
  public synchronized void release(Source source) {
    if (source != null && source == origin && originRequests.released(clock.nanoTime())) {
      changes.signal();
      return;
    }
    OtherSource candidate = candidateOf(source);
    if (candidate != null && candidate.held > 0) {
      candidate.held--;
      changes.signal();
    }
  }

  /**
   * Waits, at most a moment, for what a request told to wait ({@link Assignment#waits}) waits for:
   * a source is released or fails; the time (the delay's end, the rate window) is read again when
   * it wakes.
   */
  public void awaitChange() {
    try {
      changes.awaitNext(LONGEST_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@code bytes} arrived from {@code source}: the origin's count towards its rate, the others'
   * towards their pace (theirs is read with no lock: the list of them never changes).
   */
  public void received(Source source, long bytes) {
    if (source == origin) {
      originRequests.received(bytes);
      return;
    }
    for (OtherSource candidate : others) {
      if (candidate.source == source) {
        candidate.delivered.add(bytes);
        return;
      }
    }
  }

  /**
   * The machines that fetch the file, this one included: one more than the most another source
   * knows of ({@link Source#alsoFetching}; several may know the same ones).
   */
  private int sharers() {
    int most = 0;
    long now = clock.nanoTime();
    for (OtherSource candidate : others) {
      if (!candidate.bannedAt(now)) {
        most = Math.max(most, candidate.alsoFetching());
      }
    }
    return 1 + most;
  }

  /** What the other sources gave or took in so far ({@link OtherSource#progress}). */
  private long othersProgress() {
    long sum = 0;
    for (OtherSource candidate : others) {
      sum += candidate.progress();
    }
    return sum;
  }

  /**
   * Whether the origin should work beside the other sources now, over a connection of its own: it
   * is held back by this planner's rule, the version is known, the delay has passed or the others
   * give less than the rule's minimum rate, and another source is serving (else the file's
   * connections ask the origin themselves).
   */
  public synchronized boolean originBeside() {
    if (!delay.applies() || originHeld(clock.nanoTime())) {
      return false;
    }
    for (OtherSource candidate : others) {
      if (candidate.held > 0 && !SourceKind.ORIGIN.equals(candidate.source.kind())) {
        return true;
      }
    }
    return false;
  }

  /** Whether this planner's rule holds the origin back at all (whatever the time). */
  public boolean holdsOriginBack() {
    return delay.applies();
  }

  /** The origin answered a probe that it cannot send that byte (416): it is asked whole. */
  public synchronized void probeRefused() {
    probeRefused = true;
  }

  /** Whether the origin is held back at {@code now} ({@link OriginDelay}). */
  private boolean originHeld(long now) {
    return delay.holds(now, this::othersProgress);
  }

  private Assignment choose(long start, long end, long fileSize, int pieceSize, boolean holding) {
    long now = clock.nanoTime();
    for (OtherSource candidate : others) {
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
    if (originHeld(now) && othersCanServe(start, pieceSize, now)) {
      if (fileSize < 0) {
        // Only the origin tells what the file is; the others serve its bytes once it did.
        return probeRefused
            ? new Assignment(origin, start, end)
            : new Assignment(origin, start, start + 1, true);
      }
      return new Assignment(null, start, end);
    }
    if (holding && fileSize >= 0 && originCapped(now)) {
      // The origin has as many requests as it may: this one waits for one of them to end.
      return new Assignment(null, start, end);
    }
    if (holding && fileSize >= 0 && othersCanServe(start, pieceSize, now) && othersKeepUp(now)) {
      // Another source holds the piece, and only has no room now (the file's connections chose
      // their spans while it had): the origin would send what the others have, or what this
      // machine holds here already, fetched ahead. The request waits for their room; where they
      // fall behind the origin, the origin takes what they hold (ClaimOrder's fallback).
      return new Assignment(null, start, end);
    }
    Assignment chosen = originFor(start, end, fileSize, pieceSize);
    if (holding) {
      originRequests.started(now, chosen.start(), chosen.end(), chosen.probe());
    }
    return chosen;
  }

  /**
   * The pieces (of {@code pieceSize}) the origin's last request while others share the file was
   * for, the last one whole or not, or null before one.
   */
  synchronized OriginPick.Run originLast(int pieceSize) {
    return originRequests.last(pieceSize);
  }

  /**
   * Whether a request now would find a source to take it: another source below its limit, or the
   * origin below {@link #ORIGIN_REQUESTS} while it is capped. A connection that would only wait
   * claims no part meanwhile (a part claimed and given back would cut another connection's short).
   */
  public synchronized boolean hasRoom() {
    return othersHaveRoom() || !originCapped(clock.nanoTime());
  }

  /**
   * Whether the origin may take no further request now: it has {@link #ORIGIN_REQUESTS} open while
   * other sources share the file, and either they keep up with it ({@link OthersPace}) or other
   * machines fetch the file from it too ({@link Source#alsoFetching}). Others that fall behind
   * leave a machine alone the origin's every connection; where machines fetch together, each still
   * asks for one request at a time, what it asks for then whatever is missing: all its connections
   * would take the origin's uplink from the pieces the others fetch of it, for a machine the peers
   * choke for a few seconds.
   */
  private boolean originCapped(long now) {
    return !others.isEmpty()
        && originRequests.open() >= ORIGIN_REQUESTS
        && (othersKeepUp(now) || sharers() > 1);
  }

  /**
   * {@link OriginRequests#othersKeepUp}, with what the others offer read again where a window ends:
   * the file's connections ask whether there is room before they look at what is offered, and
   * judged on what they offered at the last claim, others that gained pieces since would seem to
   * have gained nothing.
   */
  private boolean othersKeepUp(long now) {
    if (offeredFileSize > 0 && originRequests.judgesAt(now)) {
      offered(offeredFileSize, offeredPieceSize);
    }
    return originRequests.othersKeepUp(now, this::othersProgress, this::sharers);
  }

  /**
   * Whether the sources other than the origin fall behind it ({@link OthersPace}): then the origin
   * is asked for what they offer too, rather than wait on them.
   */
  public synchronized boolean othersFallBehind() {
    return others.isEmpty() || !othersKeepUp(clock.nanoTime());
  }

  /**
   * The origin's span from {@code start}: all of it, unless other sources share the file; then a
   * few pieces at a time, so that each next request is planned again and goes to a source that has
   * gained those bytes since (peers fetching the same file), without cutting a response short
   * (whose bytes in flight would be lost: the origin would send them for nothing).
   */
  private Assignment originFor(long start, long end, long fileSize, int pieceSize) {
    if (others.isEmpty() || pieceSize <= 0) {
      return new Assignment(origin, start, end);
    }
    if (fileSize < 0 && !probeRefused) {
      // Only what tells the version: asked for pieces, every host fetching the file at once
      // would ask for the same first ones. Once the version is known, the span is chosen.
      return new Assignment(origin, start, start + 1, true);
    }
    long stop = start - start % pieceSize + ORIGIN_PIECES * (long) pieceSize;
    if (fileSize >= 0) {
      stop = Math.min(stop, fileSize);
    }
    return new Assignment(origin, start, end < 0 ? stop : Math.min(end, stop));
  }

  /**
   * Whether a source other than the origin could serve bytes at {@code start}, were it free and the
   * version known: not banned, not blamed for the piece, holds bytes there (peers that choke this
   * machine may unchoke it while the origin is held back).
   */
  private boolean othersCanServe(long start, int pieceSize, long now) {
    for (OtherSource candidate : others) {
      if (!SourceKind.ORIGIN.equals(candidate.source.kind())
          && candidate.heldEnd(start, Long.MAX_VALUE, pieceSize, now) > start) {
        return true;
      }
    }
    return false;
  }

  /** What {@code candidate} may be asked for, or null. */
  private Assignment assignment(
      OtherSource candidate, long start, long end, long fileSize, int pieceSize, long now) {
    {
      if (fileSize >= 0) {
        long until = candidate.servableEnd(start, end < 0 ? fileSize : end, pieceSize, now);
        if (until > start) {
          return new Assignment(candidate.source, start, until);
        }
      } else if (candidate.source.relaysOrigin()
          && candidate.servableEnd(start, Long.MAX_VALUE, pieceSize, now) > start) {
        return new Assignment(candidate.source, start, end);
      }
    }
    return null;
  }

  /**
   * {@code source} failed to deliver what it was asked for: unless it is the origin (whose failures
   * are the file's) or holds the origin off (its failure is the file's, and it is asked first again
   * when the job retries), it is left out for a while; where it only lacks a piece for now ({@link
   * SourceLacks}), that piece is left to the others instead.
   */
  public synchronized void failed(Source source, TransferFailure failure) {
    OtherSource candidate = candidateOf(source);
    if (candidate == null || failure instanceof OriginHeldOff) {
      return;
    }
    if (failure instanceof SourceLacks lacks) {
      candidate.lacks(lacks.offset(), lacks.retryAfter(), failure.getMessage(), clock.nanoTime());
    } else {
      candidate.failed(failure.getMessage(), clock.nanoTime());
    }
    changes.signal();
  }

  /**
   * A piece {@code source} sent bytes of failed its hash: it is not asked for that piece again, and
   * is banned once it has {@value #STRIKES_BEFORE_BAN} strikes. The origin gets none.
   */
  public synchronized void strike(Source source, int piece) {
    OtherSource candidate = candidateOf(source);
    if (candidate == null) {
      return;
    }
    candidate.strike(piece, clock.nanoTime());
  }

  /** Whether {@code source} is left out now. */
  public synchronized boolean isBanned(Source source) {
    OtherSource candidate = candidateOf(source);
    return candidate != null && candidate.bannedAt(clock.nanoTime());
  }

  private OtherSource candidateOf(Source source) {
    for (OtherSource candidate : others) {
      if (candidate.source == source) {
        return candidate;
      }
    }
    return null;
  }
}
