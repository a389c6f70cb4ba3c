package dev.ferry.swarm.source;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.LocalCopy;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceProvider;
import dev.ferry.spi.TransferFailure;
import dev.ferry.swarm.cache.ContentCache;
import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.session.SessionStats;
import dev.ferry.swarm.session.Swarm;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peers as the engine sees them: a {@link SourceProvider} over one {@link Swarm}. For a file whose
 * job has a content description (and a DownloadMode that allows peers) it gives the engine the
 * check every piece must pass, joins the content's swarm serving what the engine has verified so
 * far, finds its peers in the job's {@link PeerScope} (its own DownloadMode, Group ID and trackers,
 * each else the machine's), connects the job's known peers, and offers a {@link PeerSource} beside
 * the origin; a magnet link's file has peers as its origin ({@link #origin}). It also holds what is
 * offered to peers from local files ({@link #seed}). Made by whoever wires the engine (ferryd, the
 * embedded engine), which closes it.
 */
public final class PeerSharing implements SourceProvider, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerSharing.class);

  /** A file offered to peers, its content, and the uid of the user who offers it. */
  public record Seed(Path file, SingleFileTorrent torrent, long owner) {}

  private final Swarm swarm;
  private final Duration timeout;
  private final PeerDiscovery discovery;
  private final PeerFinding finding;
  private final PeerSource origin;
  private final Map<InfoHash, Seed> seeds = new ConcurrentHashMap<>();
  private final Map<InfoHash, Runnable> seedFinding = new ConcurrentHashMap<>();
  private volatile CachedSeeds cached;
  private final Map<FileKey, Transfer> transferring = new HashMap<>();

  /**
   * A file transferring with its content in the swarm: its session, the engine's copy of it, and
   * what the session had uploaded when it began (what it sends meanwhile is the file's upload).
   */
  private record Transfer(
      TorrentSession session,
      LocalCopy local,
      TransferPieces pieces,
      SessionStats before,
      Runnable stopFinding) {
    InfoHash hash() {
      return session.torrent().infoHash();
    }
  }

  private record FileKey(java.util.UUID job, int index) {
    static FileKey of(FileRef file) {
      return new FileKey(file.job(), file.index());
    }
  }

  private PeerSharing(Swarm swarm, Duration timeout, PeerDiscovery discovery) {
    this.swarm = swarm;
    this.timeout = timeout;
    this.discovery = discovery;
    this.finding = PeerFinding.start(discovery, swarm);
    this.origin = PeerSource.origin(swarm::find, timeout);
  }

  /**
   * Starts the swarm with {@code settings}, with the peers downloads name as the only ones ({@link
   * PeerDiscovery#knownPeersOnly}).
   *
   * @param timeout how long a piece may take to come from peers before a response ends (the
   *     engine's read timeout)
   */
  public static PeerSharing start(SwarmSettings settings, Duration timeout) throws IOException {
    return start(settings, timeout, PeerDiscovery.knownPeersOnly());
  }

  /** Starts the swarm with {@code settings}, finding peers as {@code discovery} says. */
  public static PeerSharing start(SwarmSettings settings, Duration timeout, PeerDiscovery discovery)
      throws IOException {
    Swarm swarm = Swarm.start(settings);
    try {
      return new PeerSharing(swarm, timeout, discovery);
    } catch (RuntimeException e) {
      swarm.close();
      throw e;
    }
  }

  /**
   * Keeps completed downloads for peers in {@code cache} (DO's content cache), within its policies,
   * and serves what it already holds; to be called once, before the engine runs. The cache is
   * closed with this.
   */
  public void keepCompleted(ContentCache cache) {
    if (cached != null) {
      throw new IllegalStateException("a cache is kept already");
    }
    // What the cache keeps is the machine's to share: it is found as the machine finds peers.
    cached = new CachedSeeds(cache, swarm, finding, PeerScope.of(discovery), this::heldElsewhere);
  }

  /** The content kept for peers, where {@link #keepCompleted} gave one. */
  public Optional<ContentCache> cache() {
    CachedSeeds kept = cached;
    return kept == null ? Optional.empty() : Optional.of(kept.cache());
  }

  /** Whether a transfer or a seed has the content of {@code hash} in the swarm. */
  private boolean heldElsewhere(InfoHash hash) {
    synchronized (transferring) {
      if (inUse(hash)) {
        return true;
      }
    }
    return seeds.containsKey(hash);
  }

  /** Whether the content of {@code hash} is served from the cache. */
  private boolean inCache(InfoHash hash) {
    CachedSeeds kept = cached;
    return kept != null && kept.holds(hash);
  }

  @Override
  public void fileTransferred(FileRef file, Path local, long owner) {
    CachedSeeds kept = cached;
    if (kept == null || isMagnet(file)) {
      return;
    }
    Optional<SingleFileTorrent> content;
    try {
      content = content(file);
    } catch (TransferFailure e) {
      return;
    }
    content.ifPresent(torrent ->
        kept.keep(local, torrent, owner)
            .ifPresent(copy -> {
              Transfer transfer;
              synchronized (transferring) {
                transfer = transferring.get(FileKey.of(file));
              }
              if (transfer != null) {
                transfer.pieces().keptAs(copy);
              }
            }));
  }

  /** How peers are found, and the DownloadMode of downloads that set none. */
  public PeerDiscovery discovery() {
    return discovery;
  }

  public Swarm swarm() {
    return swarm;
  }

  /**
   * {@code config} with these peers in it: a source provider after its others, and the origin of
   * magnet links before its standard origins. The engine opened with it closes this.
   */
  public EngineConfig into(EngineConfig config) {
    List<SourceProvider> providers = new ArrayList<>(config.sourceProviders());
    providers.add(this);
    return config
        .withSourceProviders(providers.toArray(SourceProvider[]::new))
        .withOriginsFirst(List.of(origin));
  }

  /** The origin of magnet links, for the engine's configuration (before the standard origins). */
  public Source origin() {
    return origin;
  }

  @Override
  public Optional<PieceCheck> pieceCheck(FileRef file) throws TransferFailure {
    return content(file).map(torrent -> PieceHashes.of(torrent.tree()));
  }

  @Override
  public List<Source> sourcesFor(FileRef file) {
    return sourcesFor(file, LocalCopy.NONE);
  }

  @Override
  public List<Source> sourcesFor(FileRef file, LocalCopy local) {
    SingleFileTorrent torrent;
    try {
      Optional<SingleFileTorrent> content = content(file);
      if (content.isEmpty()) {
        return List.of();
      }
      torrent = content.get();
    } catch (TransferFailure e) {
      // pieceCheck said so already, before the transfer began.
      return List.of();
    }
    TransferPieces served = new TransferPieces(local);
    TorrentSession session =
        swarm.add(torrent, local == LocalCopy.NONE ? LocalPieces.none() : served);
    // Peers hear of each piece the engine verifies at once (HAVE), not at the next tick.
    int pieces = torrent.tree().pieceCount();
    local.whenGained(piece -> {
      if (piece < pieces) {
        session.verified(piece);
      }
    });
    Runnable stopFinding = finding.find(session, PeerScope.of(file, discovery));
    Transfer replaced;
    synchronized (transferring) {
      replaced =
          transferring.put(
              FileKey.of(file), new Transfer(session, local, served, session.stats(), stopFinding));
    }
    if (replaced != null) {
      replaced.stopFinding().run();
    }
    for (String peer : ContentDescriptions.peers(file)) {
      try {
        session.connect(address(peer));
      } catch (IllegalArgumentException e) {
        log.warn("job {} names a peer Ferry cannot reach: {}", file.job(), e.getMessage());
      }
    }
    return isMagnet(file)
        ? List.of()
        : List.of(PeerSource.beside(session, timeout, swarm.peerId()));
  }

  @Override
  public void transferEnded(FileRef file) {
    Transfer ended;
    boolean stillWanted;
    synchronized (transferring) {
      ended = transferring.remove(FileKey.of(file));
      if (ended == null) {
        return;
      }
      stillWanted = inUse(ended.hash());
    }
    // What the session sent while the file transferred counts as the file's upload (DO's bytes to
    // peers), told before the engine records the file's end.
    SessionStats now = ended.session().stats();
    for (SourceKind kind : SourceKind.PEERS) {
      ended.local().served(kind, now.uploaded(kind) - ended.before().uploaded(kind));
    }
    ended.stopFinding().run();
    if (!stillWanted && !seeds.containsKey(ended.hash()) && !inCache(ended.hash())) {
      swarm.remove(ended.hash());
    }
  }

  /** Whether a file still transferring has the content of {@code hash}; under the map's lock. */
  private boolean inUse(InfoHash hash) {
    for (Transfer t : transferring.values()) {
      if (t.hash().equals(hash)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Offers {@code file}, whose content {@code torrent} describes, to peers for user {@code owner};
   * its session. Pieces are verified as they are read, so a file that does not hold the content
   * serves none of it.
   */
  public TorrentSession seed(Path file, SingleFileTorrent torrent, long owner) {
    seeds.put(torrent.infoHash(), new Seed(file, torrent, owner));
    TorrentSession session = swarm.add(torrent, LocalPieces.ofFile(file));
    Runnable before =
        seedFinding.put(torrent.infoHash(), finding.find(session, PeerScope.of(discovery)));
    if (before != null) {
      before.run();
    }
    return session;
  }

  /** Stops offering the content of {@code hash}; whether it was offered. */
  public boolean unseed(InfoHash hash) {
    Seed removed = seeds.remove(hash);
    if (removed == null) {
      return false;
    }
    Runnable stopFinding = seedFinding.remove(hash);
    if (stopFinding != null) {
      stopFinding.run();
    }
    boolean inUse;
    synchronized (transferring) {
      inUse = inUse(hash);
    }
    if (!inUse && !inCache(hash)) {
      swarm.remove(hash);
    }
    return true;
  }

  /** What is offered from local files. */
  public List<Seed> seeds() {
    return new ArrayList<>(seeds.values());
  }

  @Override
  public void close() {
    CachedSeeds kept = cached;
    if (kept != null) {
      kept.close();
    }
    finding.close();
    swarm.close();
  }

  /**
   * The content of {@code file}: its job's description where peers are allowed; for a magnet link,
   * that description or the content seeded here, whose info-hash must be the link's.
   */
  private Optional<SingleFileTorrent> content(FileRef file) throws TransferFailure {
    Optional<InfoHash> magnet = Magnet.infoHash(file.uri());
    if (magnet.isEmpty() && !PeerDiscovery.allowsPeers(mode(file))) {
      return Optional.empty();
    }
    Optional<SingleFileTorrent> described;
    try {
      described = ContentDescriptions.of(file);
    } catch (IllegalArgumentException e) {
      throw TransferFailure.fatal(
          HResult.E_INVALIDARG,
          ErrorContext.REMOTE_FILE,
          PeerSource.PROTOCOL,
          "the job's content description is not a single-file BitTorrent v2 torrent: "
              + e.getMessage());
    }
    if (magnet.isEmpty()) {
      return described;
    }
    InfoHash wanted = magnet.get();
    if (described.isPresent()) {
      if (!described.get().infoHash().equals(wanted)) {
        throw TransferFailure.fatal(
            HResult.E_INVALIDARG,
            ErrorContext.REMOTE_FILE,
            PeerSource.PROTOCOL,
            "the content description's info-hash "
                + described.get().infoHash().hex()
                + " is not the magnet link's "
                + wanted.hex());
      }
      return described;
    }
    Optional<SingleFileTorrent> known =
        Optional.ofNullable(seeds.get(wanted))
            .map(Seed::torrent)
            .or(() -> swarm.find(wanted).map(TorrentSession::torrent));
    if (known.isPresent()) {
      return known;
    }
    return Optional.of(fromPeers(file, wanted));
  }

  /**
   * The torrent of {@code wanted} from the job's peers (BEP 9's metadata and BEP 52's piece layer,
   * checked against the info-hash), waiting for it at most the read timeout.
   */
  private SingleFileTorrent fromPeers(FileRef file, InfoHash wanted) throws TransferFailure {
    List<InetSocketAddress> peers = new ArrayList<>();
    for (String peer : ContentDescriptions.peers(file)) {
      try {
        peers.add(address(peer));
      } catch (IllegalArgumentException e) {
        log.warn("job {} names a peer Ferry cannot reach: {}", file.job(), e.getMessage());
      }
    }
    if (peers.isEmpty()) {
      throw TransferFailure.fatal(
          HResult.DO_E_INTEGRITYCHECKINFO_UNSPECIFIED,
          ErrorContext.REMOTE_FILE,
          PeerSource.PROTOCOL,
          "a magnet link's file needs its content description (the job property"
              + " CONTENT_DESCRIPTION, ferry get --torrent) or peers to ask it of (PEERS, --peer)");
    }
    try {
      return swarm
          .addMagnet(wanted, LocalPieces.none(), peers)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .torrent();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(wanted, "interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw unavailable(wanted, String.valueOf(e.getCause() != null ? e.getCause() : e), e);
    }
  }

  private static TransferFailure unavailable(InfoHash wanted, String why, Exception e) {
    return TransferFailure.transientFailure(
        HResult.DO_E_NO_SERVICE,
        ErrorContext.REMOTE_FILE,
        PeerSource.PROTOCOL,
        "no peer gave the torrent of " + wanted.hex() + ": " + why,
        e);
  }

  /** The file's DownloadMode: its job's, else this machine's. */
  private DownloadMode mode(FileRef file) {
    return ContentDescriptions.mode(file, discovery.mode());
  }

  private static boolean isMagnet(FileRef file) {
    return Magnet.infoHash(file.uri()).isPresent();
  }

  /**
   * The engine's verified pieces while the file transfers, as the session serves them. The engine
   * closes its copy when the transfer ends, and a read the session began just before then would
   * fail, which marks the piece unservable for the session's life; once the content is kept for
   * peers ({@link #fileTransferred}, before the end), such a read is served from the kept copy.
   */
  private static final class TransferPieces implements LocalPieces {
    private final LocalCopy local;
    private volatile LocalPieces kept;

    TransferPieces(LocalCopy local) {
      this.local = local;
    }

    void keptAs(LocalPieces copy) {
      kept = copy;
    }

    @Override
    public boolean has(int piece) {
      return local.has(piece);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
      int start = dst.position();
      try {
        local.read(offset, dst);
      } catch (IOException ended) {
        LocalPieces copy = kept;
        if (copy == null) {
          throw ended;
        }
        dst.position(start);
        copy.read(offset, dst);
      }
    }
  }

  /** HOST:PORT, or [IPv6]:PORT. */
  static InetSocketAddress address(String peer) {
    int colon = peer.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not HOST:PORT: " + peer);
    }
    String host = peer.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(peer.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not HOST:PORT: " + peer);
    }
    return new InetSocketAddress(host, port);
  }
}
