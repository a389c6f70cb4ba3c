package dev.ferry.swarm.source;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.RangeNotSatisfiable;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceLacks;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import dev.ferry.swarm.session.PeerView;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.PeerId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Peers as a source of one file's bytes (kind {@link SourceKind#PEER}): the pieces a {@link
 * TorrentSession} fetches, verified, streamed in order. Offered beside a file's origin it says how
 * much peers would send from an offset now ({@link #available}) and how much they hold ({@link
 * #holds}) and serves the version the engine already knows; as the origin of a magnet link ({@link
 * #origin}) it tells the version itself, from the content description.
 */
final class PeerSource implements Source {
  /** The protocol IBackgroundCopyError reports for peers' failures. */
  static final String PROTOCOL = "bittorrent";

  /** Pieces wanted ahead of the one read: enough to keep a few peers' request queues full. */
  private static final long WINDOW_BYTES = 8L << 20;

  /**
   * How long a piece the peers did not send, while they sent others, is left to other sources: a
   * few of the rounds in which peers choke and unchoke (ten seconds, an optimistic unchoke thirty).
   */
  static final Duration LACKING_WAIT = Duration.ofSeconds(30);

  /**
   * How long a response waits for a piece no peer could send, while others come, before it ends:
   * two of the rounds in which peers choke and unchoke.
   */
  private static final Duration LACK_AFTER = Duration.ofSeconds(20);

  private final Function<URI, Optional<TorrentSession>> sessions;
  private final boolean origin;
  private final Duration timeout;

  /** This machine's peer id, for {@link #promised}; null for the magnet origin. */
  private final PeerId self;

  /**
   * The pieces each session threw away that responses have reported, so that each is reported once,
   * by the response that closes after it.
   */
  private final Map<TorrentSession, AtomicLong> reported =
      Collections.synchronizedMap(new WeakHashMap<>());

  private PeerSource(
      Function<URI, Optional<TorrentSession>> sessions,
      boolean origin,
      Duration timeout,
      PeerId self) {
    this.sessions = sessions;
    this.origin = origin;
    this.timeout = timeout;
    this.self = self;
  }

  /** The peers of one session, beside a file's origin; {@code self}: this machine's peer id. */
  static PeerSource beside(TorrentSession session, Duration timeout, PeerId self) {
    return new PeerSource(uri -> Optional.of(session), false, timeout, self);
  }

  /** The origin of magnet links, serving from the session of the link's info-hash. */
  static PeerSource origin(Function<InfoHash, Optional<TorrentSession>> byHash, Duration timeout) {
    return new PeerSource(uri -> Magnet.infoHash(uri).flatMap(byHash), true, timeout, null);
  }

  @Override
  public SourceKind kind() {
    return SourceKind.PEER;
  }

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public boolean isOriginFor(URI uri) {
    return origin && Magnet.infoHash(uri).isPresent();
  }

  /** A few: each response already spreads its pieces over the session's peers. */
  @Override
  public int connectionLimit() {
    return origin ? 4 : 2;
  }

  /** What peers that unchoke this machine have: asked now, they would send it. */
  @Override
  public long available(URI uri, long offset) {
    return sessions.apply(uri).map(session -> session.available(offset)).orElse(0L);
  }

  /** What any connected peer has, whether it unchokes this machine now or not. */
  @Override
  public long holds(URI uri, long offset) {
    return sessions.apply(uri).map(session -> session.held(offset)).orElse(0L);
  }

  /** What the session of the file took in from peers, checked or not yet. */
  @Override
  public long takenIn(URI uri) {
    return sessions.apply(uri).map(TorrentSession::bytesTakenIn).orElse(-1L);
  }

  /**
   * The pieces another Ferry machine that downloads the file with this one fetches from the origin
   * ({@link OriginShares}): the connected Ferry peers that do not have the whole file yet. Where
   * the engine's pieces are not the torrent's, an engine piece is promised when every torrent piece
   * it overlaps is.
   */
  @Override
  public BitSet promised(URI uri, long fileSize, int pieceSize) {
    Optional<TorrentSession> found = self == null ? Optional.empty() : sessions.apply(uri);
    if (found.isEmpty() || pieceSize <= 0) {
      return new BitSet();
    }
    TorrentSession session = found.get();
    SingleFileTorrent torrent = session.torrent();
    int count = torrent.tree().pieceCount();
    BitSet theirs = OriginShares.othersFetch(salt(torrent), self, fetching(session), count);
    return enginePieces(theirs, torrent, fileSize, pieceSize);
  }

  /** The pieces the session fetched ahead of any response and keeps, checked. */
  @Override
  public BitSet ready(URI uri, long fileSize, int pieceSize) {
    if (origin || pieceSize <= 0) {
      return new BitSet();
    }
    return sessions
        .apply(uri)
        .map(session -> enginePieces(session.kept(), session.torrent(), fileSize, pieceSize))
        .orElseGet(BitSet::new);
  }

  /**
   * The torrent's {@code pieces} as the engine's pieces of {@code pieceSize}: an engine piece is in
   * where every torrent piece it overlaps is.
   */
  private static BitSet enginePieces(
      BitSet pieces, SingleFileTorrent torrent, long fileSize, int pieceSize) {
    int torrentPiece = torrent.pieceLength();
    if (torrentPiece == pieceSize || pieces.isEmpty()) {
      return pieces;
    }
    BitSet engine = new BitSet();
    long length = Math.min(fileSize, torrent.length());
    for (int piece = 0; (long) piece * pieceSize < length; piece++) {
      long start = (long) piece * pieceSize;
      long end = Math.min(length, start + pieceSize);
      int first = (int) (start / torrentPiece);
      int last = (int) ((end - 1) / torrentPiece);
      if (pieces.nextClearBit(first) > last) {
        engine.set(piece);
      }
    }
    return engine;
  }

  /**
   * The connected Ferry peers that fetch the file too ({@link #promised}), where this machine
   * shares in the origin's pieces.
   */
  @Override
  public int alsoFetching(URI uri) {
    if (self == null) {
      return 0;
    }
    return sessions.apply(uri).map(session -> fetching(session).size()).orElse(0);
  }

  /** The connected Ferry peers, not banned, that do not have the whole file yet. */
  private static List<PeerId> fetching(TorrentSession session) {
    int count = session.torrent().tree().pieceCount();
    List<PeerId> fetching = new ArrayList<>();
    for (PeerView peer : session.peers()) {
      if (!peer.banned() && peer.id().isFerry() && peer.piecesHave() < count) {
        fetching.add(peer.id());
      }
    }
    return fetching;
  }

  /** The content's identity as a number: the info-hash's first eight bytes. */
  private static long salt(SingleFileTorrent torrent) {
    return ByteBuffer.wrap(torrent.infoHash().bytes()).getLong();
  }

  @Override
  public SourceResponse open(SourceRequest request) throws TransferFailure {
    TorrentSession session =
        sessions
            .apply(request.uri())
            .orElseThrow(() -> unavailable("Ferry shares no content for " + request.uri()));
    long length = session.torrent().length();
    Validators version = origin ? versionOf(session) : request.known();
    if (!origin && version.size() >= 0 && version.size() != length) {
      throw TransferFailure.fatal(
          HResult.BG_E_INVALID_SERVER_RESPONSE,
          ErrorContext.REMOTE_FILE,
          PROTOCOL,
          "the content description is of a file of "
              + length
              + " bytes; the origin's file has "
              + version.size());
    }
    long start = request.start();
    if (start >= length && length > 0) {
      throw new RangeNotSatisfiable(
          length, PROTOCOL, "byte " + start + " is past the end of " + session.torrent().name());
    }
    long end = request.end() < 0 ? length : Math.min(request.end(), length);
    // What peers hold, not what they send now: one may have choked this machine since the planner
    // chose the span, and the stream waits for it, or says the peers lack the piece.
    if (!origin && session.held(start) <= 0) {
      throw unavailable("no peer has byte " + start + " of " + session.torrent().name());
    }
    int pieceSize = session.torrent().pieceLength();
    int window = (int) Math.max(2, Math.min(64, WINDOW_BYTES / pieceSize));
    PieceStream body = new PieceStream(session, start, end, window, timeout, LACK_AFTER);
    return new Response(
        start,
        end - start,
        version,
        body,
        reported.computeIfAbsent(session, s -> new AtomicLong()));
  }

  /** What a magnet link's file is: its size, and its info-hash as a strong ETag. */
  private static Validators versionOf(TorrentSession session) {
    return new Validators(
        session.torrent().length(), "\"btmh-" + session.torrent().infoHash().hex() + "\"", null);
  }

  @Override
  public TransferFailure classify(IOException e, String doing) {
    if (e instanceof PieceStream.Stalled stalled && !origin) {
      return new SourceLacks(
          stalled.offset,
          LACKING_WAIT,
          HResult.DO_E_NO_SERVICE,
          PROTOCOL,
          doing + ": " + e.getMessage(),
          e);
    }
    return TransferFailure.transientFailure(
        HResult.DO_E_NO_SERVICE,
        ErrorContext.REMOTE_FILE,
        PROTOCOL,
        doing + ": " + e.getMessage(),
        e);
  }

  private static TransferFailure unavailable(String why) {
    return TransferFailure.transientFailure(
        HResult.DO_E_NO_SERVICE, ErrorContext.REMOTE_FILE, PROTOCOL, why, null);
  }

  @Override
  public String toString() {
    return origin ? "peers (magnet origin)" : "peers";
  }

  /** One response: the stream, what it is of, and its session's discarded pieces reported. */
  private record Response(
      long start, long length, Validators validators, PieceStream stream, AtomicLong reported)
      implements SourceResponse {
    @Override
    public int piecesDiscarded() {
      long now = stream.session().stats().piecesRejected();
      long before = reported.getAndAccumulate(now, Math::max);
      return (int) Math.max(0, now - before);
    }

    @Override
    public boolean verifiedAgainst(PieceCheck check) {
      return stream.session().checksAgainst(check);
    }

    /** Peers on this network, of the group or on the Internet: each piece's sender's kind. */
    @Override
    public SourceKind kindOfLastRead(SourceKind own) {
      return stream.kindOfLastRead();
    }

    @Override
    public String headerBlock() {
      return "";
    }

    @Override
    public InputStream body() {
      return stream;
    }

    @Override
    public void abort() {
      stream.abort();
    }

    @Override
    public void close() {
      stream.close();
    }
  }
}
