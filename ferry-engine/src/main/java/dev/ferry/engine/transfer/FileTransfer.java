package dev.ferry.engine.transfer;

import dev.ferry.api.JobOwner;
import dev.ferry.api.ProxySettings;
import dev.ferry.engine.piece.Layout;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.spi.Clock;
import dev.ferry.spi.RangeNotSatisfiable;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferEvents;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Fills one file's missing pieces, writing each byte at its local position: asks the {@link
 * SourcePlanner} which source serves each missing span, checks what comes back, and hands the body
 * to the {@link CopyLoop}. The first connection's first response tells the file's size and version;
 * then, for a FOREGROUND file, further connections ({@link ConnectionRamp}) claim parts of the rest
 * ({@link Segments}). Resumes from the piece map, restarts when the origin's version changes, and
 * checkpoints periodically ({@link Checkpointer}) so a crash costs at most one interval of data.
 *
 * <p>Where the planner holds the origin back ({@link SourcePlanner#holdsOriginBack}: DO's HTTP
 * delay), a request told to wait waits, and once the version is known the origin gets a connection
 * of its own beside the others while the planner wants it there ({@link
 * SourcePlanner#originBeside}); the first connection then claims parts as the helpers do.
 */
public final class FileTransfer {
  /**
   * What the transfer needs to know about the file and its job.
   *
   * @param checkpoints whether progress is flushed and recorded periodically (not for
   *     HIGH_PERFORMANCE jobs)
   * @param flushWhenDone whether the finished file is flushed before it is recorded: only where the
   *     machine's boot is unknown, so that unflushed pieces cannot be told from lost ones
   */
  public record Settings(
      URI uri,
      Path target,
      String customHeaders,
      ProxySettings proxy,
      boolean dynamicContent,
      boolean checkpoints,
      boolean flushWhenDone,
      Duration checkpointInterval,
      int connections,
      long minimumSplit,
      Throttle throttle,
      ContentTransform transform,
      JobOwner owner,
      boolean createdBefore) {}

  /** Connections a FOREGROUND file starts with; see {@link ConnectionRamp}. */
  public static final int INITIAL_CONNECTIONS = ConnectionRamp.INITIAL_CONNECTIONS;

  /** How often an idle connection looks again for a straggler to take over. */
  private static final Duration STRAGGLER_CHECK = Duration.ofMillis(250);

  private final TransferContext transfer;
  private final SourcePlanner planner;
  private final FileState state;
  private final Settings settings;

  // While run() runs:
  private FileSink sink;
  private Checkpointer checkpointer;
  private CopyLoop copier;
  private Fetcher fetcher;

  /** The first connection's buffer. */
  private byte[] buffer;

  /** The connections beyond the first, while they run. */
  private volatile ConnectionRamp ramp;

  /** The first connection was far slower than the others, which took over its part. */
  private volatile boolean mainDropped;

  /** The order in which connections claim the missing spans. */
  private final ClaimOrder claimOrder;

  /** The origin's own connection beside the other sources, once started. */
  private volatile Thread originLane;

  /** Tells the origin's own connection to end. */
  private volatile boolean originLaneDone;

  /**
   * @param events who hears what happens, beside this file's own statistics (its {@link
   *     FileState}'s counters, which this transfer keeps from the same events)
   */
  public FileTransfer(
      SourcePlanner planner,
      FileState state,
      Settings settings,
      TransferListener listener,
      StopSignal stop,
      Clock clock,
      TransferEvents events) {
    this.transfer =
        new TransferContext(
            planner.file(),
            state,
            settings,
            planner,
            new Segments(settings.minimumSplit()),
            stop,
            listener,
            new FileStats(state),
            events,
            clock);
    this.planner = planner;
    this.state = state;
    this.settings = settings;
    this.claimOrder = new ClaimOrder(planner, state, transfer.segments());
  }

  /** Runs until the file is transferred or the transfer is stopped. */
  public void run() throws TransferFailure {
    if (settings.dynamicContent() && !state.isTransferred()) {
      state.forget();
    }
    long startNanos = transfer.clock().nanoTime();
    transfer.events().transferStarted(transfer.file());
    buffer = CopyBuffers.take();
    try (FileSink target =
        FileSink.open(settings.target(), settings.owner(), settings.createdBefore(), state)) {
      sink = target;
      checkpointer = new Checkpointer(transfer, target);
      copier = new CopyLoop(transfer, target, new PieceVerifier(transfer, target), checkpointer);
      fetcher = new Fetcher(transfer, copier);
      try {
        transfer();
      } finally {
        // Before the file closes: no connection may still be using it, nor a periodic flush
        // that shares its channel. One with a channel of its own is waited for only by an
        // unfinished file, which records it.
        finishConnections(false);
        finishOriginLane();
        if (!state.isTransferred() || !target.flushesAside()) {
          checkpointer.await();
        }
      }
    } catch (IOException e) {
      throw FileSink.localFailure(e, settings.target());
    } finally {
      CopyBuffers.give(buffer);
      buffer = null;
      transfer.ended(transfer.clock().nanoTime() - startNanos);
    }
  }

  private void transfer() throws TransferFailure, IOException {
    while (!transfer.stop().isStopped()) {
      if (state.isTransferred()) {
        finish();
        return;
      }
      boolean versionKnown = state.pieces() != null;
      if (versionKnown && startOriginLane()) {
        claimBesideTheOrigin();
        continue;
      }
      SourcePlanner.Assignment next = nextAssignment();
      if (next.waits()) {
        planner.awaitChange();
        continue;
      }
      Source source = next.source();
      try {
        SourceRequest request = fetcher.request(next.start(), next.end());
        SourceResponse response;
        try {
          response = source.open(request);
        } catch (RangeNotSatisfiable e) {
          if (planner.isOrigin(source) && next.probe()) {
            // An empty file has no first byte to send: the origin is asked for all of it.
            planner.probeRefused();
          } else if (planner.isOrigin(source)) {
            handleUnsatisfiable(e);
          } else {
            fetcher.sourceFailed(source, e);
          }
          continue;
        } catch (TransferFailure failure) {
          fetcher.failed(source, failure);
          continue;
        }
        transfer.opened(source, request, response);
        transfer.stop().attach(response);
        try {
          if (transfer.stop().isStopped()) {
            return;
          }
          transfer.listener().connected();
          // The origin tells the file's version, and so does a source that relays it while the
          // version is unknown; afterwards a relay, like every other source, serves the known one.
          boolean tellsVersion =
              planner.isOrigin(source) || (!versionKnown && source.relaysOrigin());
          if (tellsVersion) {
            state.setResponse(response.headerBlock(), response.info());
          }
          if (!consume(source, request, response, versionKnown, tellsVersion, next.probe())) {
            continue;
          }
        } catch (SourceBroke broke) {
          fetcher.failed(source, broke.failure());
        } finally {
          transfer.stop().detach(response);
          response.close();
          transfer.closed(source, response);
        }
      } finally {
        planner.release(source);
      }
      keepClaiming();
      finishConnections(true);
      if (!state.isTransferred()) {
        // A finished file is flushed and recorded once, by finish(): for a small file the flush
        // and the commit are most of its cost.
        checkpointer.checkpointNow();
      }
    }
  }

  /**
   * Starts the origin's own connection where the planner holds the origin back (and the file is not
   * down to one connection); whether it runs.
   */
  private boolean startOriginLane() {
    if (originLane == null
        && planner.holdsOriginBack()
        && !fetcher.singleConnection()
        && !settings.dynamicContent()) {
      originLane = Thread.ofVirtual().name("ferry-origin-beside").start(this::originBeside);
    }
    return originLane != null && !fetcher.singleConnection();
  }

  /**
   * The first connection's work while the origin has a connection of its own: it claims parts as
   * the helpers do (so that the two never fetch the same bytes), then, with nothing left to claim,
   * waits for the part the origin's connection fetches to end.
   */
  private void claimBesideTheOrigin() throws TransferFailure {
    startHelpers();
    boolean retired = claimUntilDone(buffer);
    ConnectionRamp connections = ramp;
    if (connections != null) {
      connections.leave(retired);
    }
    finishConnections(true);
    if (!state.isTransferred() && !transfer.stop().isStopped()) {
      try {
        transfer.segments().awaitChange(STRAGGLER_CHECK);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        transfer.stop().stop();
      }
    }
  }

  /**
   * The origin's own connection: while the planner wants it beside the other sources, it claims
   * parts (a gap, or half of another connection's part) and fetches them from the origin. It ends
   * with the transfer, or when the origin fails: the other connections go on, and meet the origin's
   * failure themselves if they come to need it.
   */
  private void originBeside() {
    byte[] own = CopyBuffers.take();
    StopSignal stop = transfer.stop();
    try {
      while (!originLaneDone
          && !stop.isStopped()
          && !fetcher.singleConnection()
          && !state.isTransferred()) {
        if (!planner.originBeside()) {
          planner.awaitChange();
          continue;
        }
        Segments.Segment segment = transfer.segments().claim(claimOrder.spans(true));
        if (segment == null) {
          transfer.segments().awaitChange(STRAGGLER_CHECK);
          continue;
        }
        try {
          fetcher.fetchFromOrigin(segment, own);
        } finally {
          transfer.segments().release(segment);
        }
      }
    } catch (TransferFailure failure) {
      // Counted by the fetcher; the file's own connections report it if the origin fails them.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      CopyBuffers.give(own);
    }
  }

  /** Ends the origin's own connection and waits for it. */
  private void finishOriginLane() {
    Thread lane = originLane;
    if (lane != null) {
      originLaneDone = true;
      transfer.segments().wakeAll();
      transfer.stop().join(lane);
    }
  }

  /** The first missing bytes, and the source the planner picks for them. */
  private SourcePlanner.Assignment nextAssignment() {
    PieceMap pieces = state.pieces();
    long start;
    long end;
    if (pieces == null) {
      if (state.ranges().isEmpty()) {
        start = 0;
        end = -1;
      } else {
        var first = state.ranges().get(0);
        start = first.offset();
        end = first.toEndOfFile() ? -1 : first.offset() + first.length();
      }
    } else {
      List<Span> order = claimOrder.spans(false);
      if (order.isEmpty()) {
        // Other sources offer all that is left, deliver, and have no room: wait for them.
        return new SourcePlanner.Assignment(null, 0, -1);
      }
      Span gap = order.get(0);
      start = gap.start();
      end = gap.end() == pieces.fileSize() ? -1 : gap.end();
    }
    return planner.hold(start, end, pieces == null ? -1 : pieces.fileSize(), state.pieceSize());
  }

  /**
   * Whether what is missing is all being fetched, or offered by other sources that keep up: then
   * {@link ClaimOrder#spans} has nothing for a connection, which waits rather than split a part.
   */
  private boolean leftToOthers() {
    return claimOrder.spans(false).isEmpty() && !state.gaps().isEmpty();
  }

  /**
   * After its first response the first connection, like the helpers, takes gaps and halves of other
   * connections' parts until nothing is left to claim. Its failures end the transfer.
   */
  private void keepClaiming() throws TransferFailure {
    boolean retired = false;
    if (settings.connections() > 1
        && state.pieces() != null
        && !fetcher.singleConnection()
        && !mainDropped) {
      retired = claimUntilDone(buffer);
    }
    ConnectionRamp connections = ramp;
    if (connections != null) {
      connections.leave(retired);
    }
  }

  /** A helper connection's life: it ends when nothing is left, it is retired, or it fails. */
  private boolean helpUntilDone() {
    byte[] own = CopyBuffers.take();
    try {
      return claimUntilDone(own);
    } catch (TransferFailure failure) {
      // One connection failing is not the file failing: its part goes back to the others, and
      // the first connection reports the error if the origin fails it too.
      return false;
    } finally {
      CopyBuffers.give(own);
    }
  }

  /**
   * Fetches parts until none is left to claim, the connection's own part was dropped (far slower
   * than the others: they finish the file) or the ramp wants fewer connections (true).
   */
  private boolean claimUntilDone(byte[] buf) throws TransferFailure {
    while (true) {
      ConnectionRamp connections = ramp;
      if (connections != null && connections.tryRetire()) {
        return true;
      }
      if (!planner.hasRoom() || leftToOthers()) {
        // No source would take a request: a part claimed now would only be given back, or be
        // half of another connection's, fetched twice.
        if (transfer.stop().isStopped() || state.isTransferred() || fetcher.singleConnection()) {
          return false;
        }
        planner.awaitChange();
        continue;
      }
      Segments.Segment segment = nextSegment();
      if (segment == null) {
        return false;
      }
      try {
        fetcher.fetch(segment, buf);
      } finally {
        transfer.segments().release(segment);
      }
      if (segment.dropped()) {
        return false;
      }
    }
  }

  /**
   * Work for a connection that finished its part, or null when it should end. While another part is
   * too young to judge, it waits a little and asks again: that part may be a straggler's.
   */
  private Segments.Segment nextSegment() {
    StopSignal stop = transfer.stop();
    while (!stop.isStopped() && !fetcher.singleConnection()) {
      List<Span> order = claimOrder.spans(false);
      if (order.isEmpty() && !state.gaps().isEmpty()) {
        return null; // left to others since claimUntilDone looked: see there
      }
      Segments.Segment segment = transfer.segments().claim(order);
      if (segment != null || !transfer.segments().worthWaiting()) {
        return segment;
      }
      try {
        transfer.segments().awaitChange(STRAGGLER_CHECK);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop.stop();
      }
    }
    return null;
  }

  /**
   * Starts the helper connections once the first response told the size and validators, unless the
   * rest of the file is too small to split.
   */
  private void startHelpers() {
    if (settings.connections() <= 1
        || ramp != null
        || state.pieces() == null
        || fetcher.singleConnection()
        || state.bytesTotal() - state.bytesTransferred() < 2 * settings.minimumSplit()) {
      return;
    }
    ConnectionRamp connections =
        new ConnectionRamp(
            transfer,
            this::helpUntilDone,
            () -> !transfer.stop().isStopped() && !fetcher.singleConnection());
    ramp = connections;
    connections.start();
  }

  /** Waits for the helpers; {@code rampOn}: see {@link ConnectionRamp#finish}. */
  private void finishConnections(boolean rampOn) {
    ConnectionRamp connections = ramp;
    if (connections != null) {
      connections.finish(rampOn);
      ramp = null;
    }
  }

  /** 416: the file shrank under us (restart) or a range lies beyond its end (fatal). */
  private void handleUnsatisfiable(RangeNotSatisfiable e) throws TransferFailure {
    transfer.events().sourceFailed(transfer.file(), planner.origin().kind(), e);
    long size = e.remoteSize();
    boolean shrank = state.remoteSize() >= 0 && size >= 0 && size != state.remoteSize();
    if (shrank && (state.ranges().isEmpty() || Layout.fits(state.ranges(), size))) {
      state.resetTo(new Validators(size, null, null));
      return;
    }
    throw e;
  }

  /**
   * Checks the first connection's response ({@link ResponseCheck}) and copies its body. False when
   * the response was left unread: the origin was asked only because the file's version was unknown,
   * and now that it is, another source serves these bytes first.
   *
   * @param tellsVersion whether {@code source} answers for the file's version: the origin, or a
   *     source that relays it while the version is unknown (whose unusable answer is its own
   *     failure, not the file's: the origin is asked next)
   * @param probe the request asked only for what tells the version: its body is left unread
   */
  private boolean consume(
      Source source,
      SourceRequest request,
      SourceResponse response,
      boolean versionKnown,
      boolean tellsVersion,
      boolean probe)
      throws TransferFailure, SourceBroke, IOException {
    long start = response.start();
    if (!tellsVersion) {
      // Only the origin tells the file's size and version; another source answers for both.
      if (response.validators().size() < 0 || !ResponseCheck.sameBytes(state, request, response)) {
        throw new SourceBroke(Fetcher.otherBytes(source));
      }
      copyFirst(
          source,
          response,
          start,
          response.length() >= 0 ? start + response.length() : request.end());
      return true;
    }
    long end;
    try {
      end = ResponseCheck.check(state, settings.dynamicContent(), source, request, response);
    } catch (TransferFailure unusable) {
      if (planner.isOrigin(source)) {
        throw unusable;
      }
      throw new SourceBroke(unusable);
    }
    if (end == ResponseCheck.DYNAMIC) {
      copier.copyDynamic(source, response, buffer);
      return true;
    }
    if (probe) {
      // It told the version; its byte comes with its piece. Kept, it would leave that piece part
      // filled on every machine that starts together, so that none could offer it to the others
      // before fetching the rest of it from the origin too.
      return false;
    }
    if (!versionKnown
        && planner.isOrigin(source)
        && planner.hasAlternatives()
        && !planner.isOrigin(
            planner.plan(start, -1, state.remoteSize(), state.pieceSize()).source())) {
      return false;
    }
    copyFirst(source, response, start, end);
    return true;
  }

  /** Copies the first connection's response as its part, starting the helpers beside it. */
  private void copyFirst(Source source, SourceResponse response, long start, long end)
      throws TransferFailure, SourceBroke, IOException {
    Segments.Segment segment = transfer.segments().begin(start, end);
    try {
      startHelpers();
      copier.copyBody(source, response, segment, end, buffer);
    } finally {
      transfer.segments().release(segment);
    }
    mainDropped = segment.dropped();
  }

  /** Brings the finished file to its size (and to disk where asked) and records it. */
  private void finish() throws TransferFailure {
    PieceMap pieces = state.pieces();
    sink.setSize(pieces.layout().localSize());
    if (settings.flushWhenDone()) {
      checkpointer.flushFinished();
    }
    if (state.ranges().isEmpty()) {
      planner.origin().modificationTime(state.validators()).ifPresent(sink::setModificationTime);
    }
    transfer.listener().checkpoint();
  }
}
