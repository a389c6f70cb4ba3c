package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.ProxySettings;
import dev.ferry.engine.piece.Layout;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.RangeNotSatisfiable;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferEvents;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Fills one file's missing pieces from a source, one request at a time, writing each byte at its
 * local position. Resumes from the piece map, restarts when the remote version changes, and
 * checkpoints periodically (flush, then persist) so a crash costs at most one interval of data.
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

  /**
   * Connections a FOREGROUND file starts with; {@link #ramp} adds more while they pay. Two already
   * use both cores where the CPU is the limit, and every connection beyond costs it: 1 GiB from
   * nginx on loopback took a median 1.24 s starting with 2 and 1.77 s starting with 8 (whose
   * unconditional first doubling makes 16), curl 1.70 s; 256 MiB from an origin limiting each
   * connection to 8 MB/s took 1.75 s and 1.42 s before {@link #RAMP_LEAP}, aria2c -x16 2.30 s (4
   * and 2 runs, interleaved).
   */
  public static final int INITIAL_CONNECTIONS = 2;

  /** How long the rate is measured before and after each doubling of the connections. */
  private static final Duration RAMP_INTERVAL = Duration.ofMillis(200);

  /** A doubling pays when the rate rises at least this much. */
  private static final double RAMP_GAIN = 1.25;

  /**
   * A doubling that raised the rate this much found each connection held to a rate of its own: the
   * next step quadruples. From 2 connections, an origin that limits each connection to 8 MB/s gave
   * 256 MiB in 1.43 s instead of 1.72 s; in three traced runs on loopback it was not taken.
   */
  private static final double RAMP_LEAP = 1.75;

  /** How often an idle connection looks again for a straggler to take over. */
  private static final Duration STRAGGLER_CHECK = Duration.ofMillis(250);

  /** A piece that fails its hash this many times in one run is not a glitch: the source is bad. */
  private static final int MAX_REJECTIONS_PER_PIECE = 3;

  private final FileRef file;
  private final Source source;
  private final FileState state;
  private final Settings settings;
  private final TransferListener listener;
  private final StopSignal stop;

  /** The file's own statistics (its {@link FileState}'s counters), built from its events. */
  private final FileStats stats;

  /** Who else hears what happens. */
  private final TransferEvents events;

  /** The main connection's buffer, taken while {@link #run} runs. */
  private byte[] buffer;

  private final Segments segments;
  private final List<Thread> helpers = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The thread adding connections while they pay, or null. */
  private volatile Thread ramp;

  /** Tells {@link #ramp} to stop: the transfer is winding its connections down. */
  private volatile boolean rampDone;

  private final Map<Integer, Integer> rejections = new ConcurrentHashMap<>();

  /** Set when a helper saw the server ignore a range: the rest goes over one connection. */
  private volatile boolean singleConnection;

  /** The main connection was far slower than the helpers, which took over its part. */
  private volatile boolean mainDropped;

  private final dev.ferry.spi.Clock clock;

  private volatile long lastCheckpointNanos;

  /** The last periodic checkpoint's thread (under way or done), or null before the first. */
  private final AtomicReference<Thread> checkpointer = new AtomicReference<>();

  /** Why the last periodic checkpoint failed; the next connection to write reports it. */
  private volatile TransferFailure checkpointFailure;

  public FileTransfer(
      FileRef file,
      Source source,
      FileState state,
      Settings settings,
      TransferListener listener,
      StopSignal stop,
      dev.ferry.spi.Clock clock,
      TransferEvents events) {
    this.file = file;
    this.stats = new FileStats(state);
    this.events = events;
    this.clock = clock;
    this.lastCheckpointNanos = clock.nanoTime();
    this.source = source;
    this.state = state;
    this.settings = settings;
    this.listener = listener;
    this.stop = stop;
    this.segments = new Segments(settings.minimumSplit());
  }

  /** Runs until the file is transferred or the transfer is stopped. */
  public void run() throws TransferFailure {
    if (settings.dynamicContent() && !state.isTransferred()) {
      state.forget();
    }
    long startNanos = clock.nanoTime();
    events.transferStarted(file);
    buffer = CopyBuffers.take();
    try (FileChannel out = openTarget()) {
      try {
        transfer(out);
      } finally {
        // Before the channel closes: no connection may still be using it, nor a periodic flush
        // that shares it. One with a channel of its own is waited for only by an unfinished file,
        // which records it.
        joinHelpers();
        if (!state.isTransferred() || settings.owner() != null) {
          awaitCheckpoint();
        }
      }
    } catch (IOException e) {
      throw localFailure(e, settings.target());
    } finally {
      CopyBuffers.give(buffer);
      buffer = null;
      long active = clock.nanoTime() - startNanos;
      stats.transferEnded(file, active);
      events.transferEnded(file, active);
    }
  }

  private void transfer(FileChannel out) throws TransferFailure, IOException {
    while (!stop.isStopped()) {
      if (state.isTransferred()) {
        finish(out);
        return;
      }
      SourceRequest request = nextRequest();
      SourceResponse response;
      try {
        response = open(request);
      } catch (RangeNotSatisfiable e) {
        handleUnsatisfiable(e);
        continue;
      }
      stop.attach(response);
      try {
        if (stop.isStopped()) {
          return;
        }
        listener.connected();
        state.setResponse(response.headerBlock(), response.info());
        consume(request, response, out);
      } finally {
        stop.detach(response);
        response.close();
        events.sourceClosed(file, source.kind());
      }
      keepClaiming(out);
      joinHelpers();
      if (!state.isTransferred()) {
        // A finished file is flushed and recorded once, by finish(): for a small file the flush
        // and the commit are most of its cost.
        checkpoint(out);
      }
    }
  }

  /**
   * After its first response the main connection, like the helpers, takes gaps and halves of other
   * connections' parts until nothing is left to claim. Its failures end the transfer.
   */
  private void keepClaiming(FileChannel out) throws TransferFailure {
    if (settings.connections() <= 1 || state.pieces() == null || singleConnection || mainDropped) {
      return;
    }
    Segments.Segment segment;
    while ((segment = nextSegment()) != null) {
      try {
        fetch(segment, out, buffer);
      } finally {
        segments.release(segment);
      }
      if (segment.dropped()) {
        return; // far slower than the others: they finish the file
      }
    }
  }

  /**
   * Work for a connection that finished its part, or null when it should end. While another part is
   * too young to judge, it waits a little and asks again: that part may be a straggler's.
   */
  private Segments.Segment nextSegment() {
    while (!stop.isStopped() && !singleConnection) {
      Segments.Segment segment = segments.claim(state.gaps());
      if (segment != null || !segments.worthWaiting()) {
        return segment;
      }
      try {
        segments.awaitChange(STRAGGLER_CHECK);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop.stop();
      }
    }
    return null;
  }

  /**
   * Starts the helper connections once the first response told the size and validators: enough to
   * make {@link #INITIAL_CONNECTIONS}, and a thread that adds more while they pay.
   */
  private void startHelpers(FileChannel out) {
    if (settings.connections() <= 1
        || !helpers.isEmpty()
        || state.pieces() == null
        || singleConnection
        || state.bytesTotal() - state.bytesTransferred() < 2 * settings.minimumSplit()) {
      return; // a file too small to split is one connection's work
    }
    int initial = Math.min(settings.connections(), INITIAL_CONNECTIONS);
    addHelpers(out, 1, initial - 1);
    if (settings.connections() > initial) {
      ramp = Thread.ofVirtual().name("ferry-connection-ramp").start(() -> ramp(out, initial));
    }
  }

  private void addHelpers(FileChannel out, int first, int count) {
    for (int i = first; i < first + count; i++) {
      helpers.add(Thread.ofVirtual().name("ferry-connection-" + i).start(() -> helpUntilDone(out)));
    }
  }

  /**
   * Doubles the connections while doubling pays: a server that limits each connection (nginx's
   * limit_rate, many CDNs) gives more in total to more connections, while on a fast link the CPU or
   * the disk is the limit and more connections only cost. The first doubling comes after one {@link
   * #RAMP_INTERVAL} unconditionally (there is nothing to compare it with yet); each further one
   * only when the last raised the rate by {@link #RAMP_GAIN}, and it quadruples when the last
   * raised it by {@link #RAMP_LEAP}. A file keeps the connections it has, and no step starts once
   * the rest of the file is too small to split among them.
   */
  private void ramp(FileChannel out, int connections) {
    long lastBytes = state.bytesReceived();
    long lastNanos = clock.nanoTime();
    double lastRate = -1;
    while (connections < settings.connections()) {
      LockSupport.parkNanos(RAMP_INTERVAL.toNanos());
      if (rampDone || stop.isStopped() || singleConnection || mainDropped) {
        return;
      }
      long bytes = state.bytesReceived();
      long nanos = clock.nanoTime();
      double rate = (bytes - lastBytes) / (double) Math.max(1, nanos - lastNanos);
      lastBytes = bytes;
      lastNanos = nanos;
      long left = state.bytesTotal() - state.bytesTransferred();
      if ((lastRate >= 0 && rate < lastRate * RAMP_GAIN)
          || left < 2 * settings.minimumSplit() * connections) {
        return;
      }
      int factor = lastRate > 0 && rate >= lastRate * RAMP_LEAP ? 4 : 2;
      int more = Math.min(connections * (factor - 1), settings.connections() - connections);
      addHelpers(out, connections, more);
      connections += more;
      lastRate = rate;
    }
  }

  private void helpUntilDone(FileChannel out) {
    byte[] own = CopyBuffers.take();
    try {
      Segments.Segment segment;
      while ((segment = nextSegment()) != null) {
        try {
          fetch(segment, out, own);
        } catch (TransferFailure failure) {
          // One connection failing is not the file failing: its part goes back to the others,
          // and the main connection reports the error if the server fails it too.
          return;
        } finally {
          segments.release(segment);
        }
        if (segment.dropped()) {
          return; // far slower than the others: they finish the file
        }
      }
    } finally {
      CopyBuffers.give(own);
    }
  }

  /** Fetches one claimed segment over a connection of its own. */
  private void fetch(Segments.Segment segment, FileChannel out, byte[] buf) throws TransferFailure {
    SourceRequest request =
        new SourceRequest(
            settings.uri(),
            segment.cursor(),
            segment.end(),
            state.validators(),
            settings.customHeaders(),
            settings.proxy());
    SourceResponse response = open(request);
    stop.attach(response);
    try {
      if (response.start() != request.start()
          || !state.validators().sameContentAs(response.validators())) {
        // The server ignored the range or the file changed: the main loop sorts that out alone.
        singleConnection = true;
        return;
      }
      long length = response.length() >= 0 ? response.length() : segment.end() - response.start();
      copyBody(response, out, segment, response.start() + length, buf);
    } catch (IOException e) {
      throw failed(source.classify(e, "reading the response"));
    } finally {
      stop.detach(response);
      response.close();
      events.sourceClosed(file, source.kind());
    }
  }

  /** Opens a request, which the statistics and the listener hear of, or of its failure. */
  private SourceResponse open(SourceRequest request) throws TransferFailure {
    SourceResponse response;
    try {
      response = source.open(request);
    } catch (TransferFailure failure) {
      throw failed(failure);
    }
    stats.sourceOpened(file, source.kind(), request.start(), request.end());
    events.sourceOpened(file, source.kind(), request.start(), request.end());
    return response;
  }

  /** The source failed: the listener hears it. */
  private <F extends TransferFailure> F failed(F failure) {
    events.sourceFailed(file, source.kind(), failure);
    return failure;
  }

  /** {@code bytes} arrived from the source. */
  private void received(int bytes) {
    stats.bytesReceived(file, source.kind(), bytes);
    events.bytesReceived(file, source.kind(), bytes);
  }

  private void joinHelpers() {
    rampDone = true;
    Thread ramping = ramp;
    if (ramping != null) {
      LockSupport.unpark(ramping);
      join(ramping);
      ramp = null;
    }
    segments.wakeAll();
    for (Thread helper : helpers) {
      join(helper);
    }
    helpers.clear();
    rampDone = false;
  }

  /** Waits for a connection's thread; an interrupt stops the transfer and is kept. */
  private void join(Thread helper) {
    boolean interrupted = false;
    while (true) {
      try {
        helper.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        stop.stop();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Opens the file the bytes go to. A transfer with no progress starts from a file it creates
   * itself, so nothing planted at that path beforehand (a link to another file) is written through;
   * a resumed one refuses a file that has become a symbolic or hard link.
   */
  private FileChannel openTarget() throws TransferFailure {
    Path target = settings.target();
    if (settings.createdBefore()) {
      return openCreated(target);
    }
    try {
      // A file with nothing transferred starts afresh; so does one whose file is gone, since
      // whatever was written went with it and the piece map must not claim it.
      boolean fresh =
          state.bytesTransferred() == 0 || !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
      if (!fresh) {
        return open(target, OwnerFiles.Creation.IF_MISSING);
      }
      state.forget();
      if (settings.owner() != null) {
        OwnerFiles.delete(target, settings.owner());
        return open(target, OwnerFiles.Creation.NEW);
      }
      // Usually nothing is there: create first and delete only what is found, since each check
      // of a missing path costs the JDK an exception, and a job of many small files made
      // thousands of them.
      try {
        return open(target, OwnerFiles.Creation.NEW);
      } catch (FileAlreadyExistsException e) {
        Files.delete(target);
        return open(target, OwnerFiles.Creation.NEW);
      }
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /**
   * Opens a destination the download created when it first started ({@link CreatedFiles}): that
   * file or nothing, never created, replaced or deleted here, never through a link.
   */
  private FileChannel openCreated(Path target) throws TransferFailure {
    if (state.bytesTransferred() == 0) {
      state.forget();
    }
    try {
      return open(target, OwnerFiles.Creation.NEVER);
    } catch (IOException e) {
      throw new TransferFailure(
          HResult.fromErrno(CreatedFiles.errnoOf(e)),
          ErrorContext.LOCAL_FILE,
          false,
          null,
          null,
          "cannot open " + target + ", which this download created: " + e.getMessage(),
          e);
    }
  }

  /**
   * Opens the target for reading and writing without following a link, as the job's owner where
   * this engine acts for one; a file that already existed must have no other hard links.
   */
  private FileChannel open(Path target, OwnerFiles.Creation creation)
      throws IOException, TransferFailure {
    FileChannel channel;
    if (settings.owner() != null) {
      channel = OwnerFiles.open(target, settings.owner(), creation);
    } else {
      Set<OpenOption> options = new HashSet<>();
      options.add(StandardOpenOption.READ);
      options.add(StandardOpenOption.WRITE);
      options.add(LinkOption.NOFOLLOW_LINKS);
      switch (creation) {
        case NEW -> options.add(StandardOpenOption.CREATE_NEW);
        case IF_MISSING -> options.add(StandardOpenOption.CREATE);
        case NEVER -> {}
      }
      channel = FileChannel.open(target, options);
    }
    if (creation != OwnerFiles.Creation.NEW) {
      refuseHardLinks(channel, target);
    }
    return channel;
  }

  private static void refuseHardLinks(FileChannel channel, Path target)
      throws IOException, TransferFailure {
    Object links = linkCount(target);
    if (links instanceof Integer n && n > 1) {
      channel.close();
      throw TransferFailure.fatal(
          HResult.E_ACCESSDENIED,
          ErrorContext.LOCAL_FILE,
          null,
          target + " has other hard links; Ferry does not write through links");
    }
  }

  private static Object linkCount(Path target) throws IOException {
    try {
      return Files.getAttribute(target, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return 1;
    }
  }

  private SourceRequest nextRequest() {
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
      Span gap = state.firstGap();
      start = gap.start();
      end = gap.end() == pieces.fileSize() ? -1 : gap.end();
    }
    return new SourceRequest(
        settings.uri(), start, end, state.validators(), settings.customHeaders(), settings.proxy());
  }

  /** 416: the file shrank under us (restart) or a range lies beyond its end (fatal). */
  private void handleUnsatisfiable(RangeNotSatisfiable e) throws TransferFailure {
    long size = e.remoteSize();
    boolean shrank = state.remoteSize() >= 0 && size >= 0 && size != state.remoteSize();
    if (shrank && (state.ranges().isEmpty() || Layout.fits(state.ranges(), size))) {
      state.resetTo(new Validators(size, null, null));
      return;
    }
    throw e;
  }

  private void consume(SourceRequest request, SourceResponse response, FileChannel out)
      throws TransferFailure, IOException {
    Validators seen = response.validators();
    long start = response.start();
    if (seen.size() < 0) {
      if (!settings.dynamicContent()) {
        throw TransferFailure.fatal(
            HResult.BG_E_MISSING_FILE_SIZE,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            "the server did not say how large the file is (no Content-Length); set DYNAMIC_CONTENT to download it anyway");
      }
      if (start != 0) {
        throw TransferFailure.fatal(
            HResult.BG_E_INVALID_SERVER_RESPONSE,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            "partial response without a size");
      }
      copyDynamic(response, out);
      return;
    }
    if (state.pieces() == null || !state.validators().sameContentAs(seen)) {
      if (!state.ranges().isEmpty() && !Layout.fits(state.ranges(), seen.size())) {
        throw TransferFailure.fatal(
            HResult.BG_E_INVALID_RANGE,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            "a requested range lies beyond the end of the " + seen.size() + "-byte remote file");
      }
      state.resetTo(seen);
    }
    PieceCheck check = state.check();
    if (check != null && check.fileSize() != seen.size()) {
      throw TransferFailure.fatal(
          HResult.DO_E_HTTP_BLOCKSIZE_MISMATCH,
          ErrorContext.REMOTE_FILE,
          source.protocol(),
          "the piece-hash file describes "
              + check.fileSize()
              + " bytes but the server has "
              + seen.size());
    }
    long length = response.length() >= 0 ? response.length() : seen.size() - start;
    if (start != request.start()) {
      // Only an answer that spans the whole file (a 200, or a 206 for all of it) may replace a
      // range: a partial body starting elsewhere would be written over bytes already in place.
      boolean sentWholeFile = start == 0 && request.wantsRange() && length == seen.size();
      if (!sentWholeFile) {
        throw TransferFailure.fatal(
            HResult.BG_E_INVALID_SERVER_RESPONSE,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            "asked for bytes from " + request.start() + " but the response starts at " + start);
      }
      if (!state.ranges().isEmpty()) {
        throw TransferFailure.fatal(
            HResult.BG_E_INSUFFICIENT_RANGE_SUPPORT,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            "the server ignores Range requests, so file ranges cannot be downloaded");
      }
    }
    Segments.Segment segment = segments.begin(start, start + length);
    try {
      startHelpers(out);
      copyBody(response, out, segment, start + length, buffer);
    } finally {
      segments.release(segment);
    }
    mainDropped = segment.dropped();
  }

  /**
   * Copies a response body into place until its segment's end, which other connections may pull in
   * while this one runs; bytes past that end are left to whoever took them.
   */
  private void copyBody(
      SourceResponse response, FileChannel out, Segments.Segment segment, long bodyEnd, byte[] buf)
      throws TransferFailure, IOException {
    PieceMap geometry = state.pieces();
    List<Span> wanted = geometry.layout().wanted();
    InputStream in = response.body();
    long remote = segment.cursor();
    while (remote < Math.min(segment.end(), bodyEnd)) {
      if (stop.isStopped()) {
        return;
      }
      long end = Math.min(segment.end(), bodyEnd);
      int n =
          read(
              in,
              buf,
              (int) Math.min(Math.min(buf.length, settings.throttle().chunkLimit()), end - remote));
      if (n > 0) {
        received(n);
        pace(n);
      }
      if (n < 0 && stop.isStopped()) {
        return;
      }
      if (n < 0) {
        throw failed(
            TransferFailure.transientFailure(
                HResult.BG_E_CONNECTION_CLOSED,
                ErrorContext.GENERAL_TRANSPORT,
                source.protocol(),
                "the connection ended " + (end - remote) + " bytes early",
                null));
      }
      Span chunk = new Span(remote, remote + n);
      long fresh = 0;
      for (int i = 0; i < wanted.size(); i++) {
        Span part = chunk.intersect(wanted.get(i));
        if (part.isEmpty()) {
          continue;
        }
        write(
            out,
            buf,
            (int) (part.start() - remote),
            (int) part.length(),
            geometry.layout().localOffset(i, part.start()),
            part.start());
        fresh += state.account(part);
      }
      verifyFilled(out, geometry);
      if (fresh > 0) {
        listener.progressed(fresh);
      }
      remote += n;
      segment.advanceTo(remote);
      maybeCheckpoint(out);
    }
    if (remote >= bodyEnd) {
      response.consumed();
    }
  }

  private void copyDynamic(SourceResponse response, FileChannel out)
      throws TransferFailure, IOException {
    InputStream in = response.body();
    long position = 0;
    while (true) {
      if (stop.isStopped()) {
        return;
      }
      int n = read(in, buffer, Math.min(buffer.length, settings.throttle().chunkLimit()));
      if (n > 0) {
        received(n);
        pace(n);
      }
      if (n < 0 && stop.isStopped()) {
        return;
      }
      if (n < 0) {
        break;
      }
      write(out, buffer, 0, n, position, position);
      position += n;
      state.addTransferred(n);
      listener.progressed(n);
    }
    try {
      out.truncate(position);
    } catch (IOException e) {
      throw localFailure(e, settings.target());
    }
    state.finishDynamic(response.validators(), position);
  }

  /** Waits as the bandwidth policy asks; a stop interrupts the wait. */
  private void pace(int bytes) {
    try {
      settings.throttle().pass(bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.stop();
    }
  }

  private int read(InputStream in, byte[] buf, int length) throws TransferFailure {
    try {
      return in.read(buf, 0, length);
    } catch (IOException e) {
      if (stop.isStopped()) {
        return -1;
      }
      throw failed(source.classify(e, "reading the response"));
    }
  }

  /**
   * Checks the pieces just written in full against their hashes, reading them back from the file
   * (the page cache still holds them). A piece that fails is forgotten, so the gap search fetches
   * it again; one that keeps failing ends the transfer.
   */
  private void verifyFilled(FileChannel out, PieceMap geometry) throws TransferFailure {
    PieceCheck check = state.check();
    if (check == null) {
      return;
    }
    for (int piece : state.takeFilled()) {
      Span span = geometry.pieceSpan(piece);
      ByteBuffer content = ByteBuffer.allocate((int) span.length());
      try {
        while (content.hasRemaining()) {
          if (out.read(content, span.start() + content.position()) < 0) {
            break;
          }
        }
      } catch (IOException e) {
        throw localFailure(e, settings.target());
      }
      if (settings.transform() != null) {
        // The hashes are of the bytes the server sent, before decryption.
        settings.transform().apply(content.array(), 0, content.position(), span.start());
      }
      content.flip();
      if (check.matches(piece, content)) {
        state.accept(piece);
        events.pieceVerified(file, piece, source.kind());
        continue;
      }
      state.reject(piece);
      events.pieceRejected(file, piece, source.kind());
      int failures = rejections.merge(piece, 1, Integer::sum);
      if (failures >= MAX_REJECTIONS_PER_PIECE) {
        throw TransferFailure.fatal(
            HResult.BG_E_VALIDATION_FAILED,
            ErrorContext.REMOTE_FILE,
            source.protocol(),
            "piece "
                + piece
                + " failed its integrity check "
                + failures
                + " times; the source keeps sending wrong bytes");
      }
    }
  }

  private void write(
      FileChannel out, byte[] buf, int offset, int length, long position, long remoteOffset)
      throws TransferFailure {
    if (settings.transform() != null) {
      settings.transform().apply(buf, offset, length, remoteOffset);
    }
    ByteBuffer data = ByteBuffer.wrap(buf, offset, length);
    long at = position;
    try {
      while (data.hasRemaining()) {
        at += out.write(data, at);
      }
    } catch (IOException e) {
      throw localFailure(e, settings.target());
    }
  }

  /**
   * Starts a checkpoint when one is due. It runs on a thread of its own: a flush can take a fifth
   * of a second on a fast download, and every connection would otherwise wait for it.
   */
  private void maybeCheckpoint(FileChannel out) throws TransferFailure {
    TransferFailure failed = checkpointFailure;
    if (failed != null) {
      throw failed;
    }
    if (!settings.checkpoints()
        || clock.nanoTime() - lastCheckpointNanos < settings.checkpointInterval().toNanos()) {
      return;
    }
    Thread previous = checkpointer.get();
    if (previous != null && previous.isAlive()) {
      return;
    }
    Thread next =
        Thread.ofVirtual()
            .name("ferry-checkpoint")
            .unstarted(() -> {
              // A channel of its own, so that a file which ends meanwhile closes without waiting
              // for the flush. Not on another user's behalf: opening a path that user controls
              // could block (a FIFO put in the file's place), so the transfer's channel serves.
              try (FileChannel own =
                  settings.owner() == null
                      ? FileChannel.open(
                          settings.target(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
                      : null) {
                checkpoint(own != null ? own : out);
              } catch (IOException e) {
                checkpointFailure = localFailure(e, settings.target());
              } catch (TransferFailure f) {
                checkpointFailure = f;
              }
            });
    if (checkpointer.compareAndSet(previous, next)) {
      lastCheckpointNanos = clock.nanoTime();
      next.start();
    }
  }

  /** Waits for a periodic checkpoint under way, if any. */
  private void awaitCheckpoint() {
    Thread running = checkpointer.get();
    if (running != null) {
      join(running);
    }
  }

  /**
   * Flushes the file, then records the pieces that were done before the flush began: a piece
   * finished during the flush may still be only in the page cache, so it waits for the next one.
   */
  private void checkpoint(FileChannel out) throws TransferFailure {
    lastCheckpointNanos = clock.nanoTime();
    if (!settings.checkpoints()) {
      return;
    }
    FileState.Flush flush = state.beginFlush();
    events.checkpointStarted(file);
    try {
      out.force(false);
    } catch (IOException e) {
      TransferFailure failure = localFailure(e, settings.target());
      events.checkpointEnded(file, failure);
      throw failure;
    }
    state.flushed(flush);
    events.checkpointEnded(file, null);
    listener.checkpoint();
  }

  private void finish(FileChannel out) throws TransferFailure {
    PieceMap pieces = state.pieces();
    try {
      if (out.size() != pieces.layout().localSize()) {
        out.truncate(pieces.layout().localSize());
        if (out.size() < pieces.layout().localSize()) {
          // Nothing wanted was written up to the end (an empty layout, or in-place ranges that
          // stop short of it): the unwritten last byte is a hole, so writing a zero is exact.
          out.write(ByteBuffer.allocate(1), pieces.layout().localSize() - 1);
        }
      }
      if (settings.flushWhenDone()) {
        FileState.Flush flush = state.beginFlush();
        out.force(true);
        state.flushed(flush);
      }
    } catch (IOException e) {
      throw localFailure(e, settings.target());
    }
    if (state.ranges().isEmpty()) {
      applyLastModified();
    }
    listener.checkpoint();
  }

  private void applyLastModified() {
    source
        .modificationTime(state.validators())
        .ifPresent(time -> {
          try {
            Files.setLastModifiedTime(settings.target(), FileTime.from(time));
          } catch (IOException ignored) {
            // The timestamp is a courtesy; the content is what matters.
          }
        });
  }

  /** Maps a local file-system failure to its documented code and class. */
  public static TransferFailure localFailure(IOException e, Path path) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof ClosedByInterruptException) {
      return TransferFailure.transientFailure(
          HResult.ERROR_WRITE_FAULT,
          ErrorContext.LOCAL_FILE,
          null,
          "writing " + path + " was interrupted",
          e);
    }
    if (message.contains("No space left") || message.contains("Disk quota exceeded")) {
      return TransferFailure.transientFailure(
          HResult.ERROR_DISK_FULL,
          ErrorContext.LOCAL_FILE,
          null,
          "no space left to write " + path,
          e);
    }
    if (e instanceof AccessDeniedException) {
      return TransferFailure.fatal(
          HResult.E_ACCESSDENIED,
          ErrorContext.LOCAL_FILE,
          null,
          "cannot write " + path + ": access denied");
    }
    if (e instanceof NoSuchFileException) {
      return TransferFailure.fatal(
          HResult.ERROR_PATH_NOT_FOUND,
          ErrorContext.LOCAL_FILE,
          null,
          "the directory of " + path + " no longer exists");
    }
    if (message.contains("symbolic link") || Files.isSymbolicLink(path)) {
      return TransferFailure.fatal(
          HResult.E_ACCESSDENIED,
          ErrorContext.LOCAL_FILE,
          null,
          path + " is a symbolic link; Ferry does not write through links");
    }
    return TransferFailure.transientFailure(
        HResult.ERROR_WRITE_FAULT,
        ErrorContext.LOCAL_FILE,
        null,
        "writing " + path + ": " + message,
        e);
  }
}
