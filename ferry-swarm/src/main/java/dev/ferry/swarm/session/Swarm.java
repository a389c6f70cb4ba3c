package dev.ferry.swarm.session;

import dev.ferry.spi.Clock;
import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.ledbat.SocketRtts;
import dev.ferry.swarm.mse.MseHash;
import dev.ferry.swarm.peer.PeerHandshake;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node in BitTorrent v2 swarms: one peer id, one listening socket, one upload cap and one
 * bound on connections for every torrent it has a {@link TorrentSession} of. Its threads are
 * virtual: the listener's accept loop, one per handshake under way, two per connection, and a
 * ticker that runs each session's periodic work (choking rounds, snubbed peers, reconnects) once a
 * second, or at once when a test's clock jumps.
 */
public final class Swarm implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Swarm.class);

  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final SwarmSettings settings;
  private final PeerId peerId = PeerId.random();
  private final ServerSocket server;
  private final UploadLimiter limiter;
  private final Map<InfoHash, TorrentSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, TorrentSession> byWireHash = new ConcurrentHashMap<>();

  /**
   * The 20-byte info-hashes of the sessions by MSE's HASH('req2', info-hash), the form in which an
   * obfuscated handshake names its torrent.
   */
  private final Map<String, byte[]> byStreamKeyHash = new ConcurrentHashMap<>();

  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong downloaded = new AtomicLong();
  private final AtomicLong uploaded = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final ReentrantLock tickLock = new ReentrantLock();
  private final Condition tickNow = tickLock.newCondition();
  private volatile boolean closed;
  private volatile UploadPacing pacing;

  private Swarm(SwarmSettings settings, ServerSocket server) {
    this.settings = settings;
    this.server = server;
    this.limiter = new UploadLimiter(settings.uploadBytesPerSecond(), settings.clock());
  }

  /** Binds the listener (unless the port is -1) and starts the swarm's threads. */
  public static Swarm start(SwarmSettings settings) throws IOException {
    ServerSocket server = null;
    if (settings.port() != -1) {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(settings.bindAddress(), settings.port()), 128);
    }
    Swarm swarm = new Swarm(settings, server);
    if (server != null) {
      Thread.ofVirtual().name("swarm-accept " + server.getLocalPort()).start(swarm::acceptLoop);
      LOG.debug("swarm {} listens on {}", swarm.peerId, server.getLocalSocketAddress());
    }
    settings.clock().onAdvance(swarm::wakeTicker);
    Thread.ofVirtual().name("swarm-tick").start(swarm::tickLoop);
    if (server != null && settings.uploadDelayTarget().isPositive()) {
      swarm.pacing =
          UploadPacing.start(
              swarm, SocketRtts.ss(), settings.uploadDelayTarget(), settings.clock());
    }
    return swarm;
  }

  /** The port peers connect to, -1 when not listening. */
  public int port() {
    return server == null ? -1 : server.getLocalPort();
  }

  public PeerId peerId() {
    return peerId;
  }

  /**
   * Joins {@code torrent}'s swarm, serving what {@code local} holds. The same info-hash again gives
   * the session already there, which then also serves from {@code local}.
   */
  public TorrentSession add(SingleFileTorrent torrent, LocalPieces local) {
    if (closed) {
      throw new IllegalStateException("the swarm is closed");
    }
    TorrentSession[] made = new TorrentSession[1];
    TorrentSession session =
        sessions.computeIfAbsent(
            torrent.infoHash(), hash -> made[0] = new TorrentSession(this, torrent, local));
    if (made[0] == null) {
      session.addLocal(local);
    } else {
      byte[] wireHash = torrent.infoHash().truncated();
      byWireHash.put(HexFormat.of().formatHex(wireHash), session);
      byStreamKeyHash.put(HexFormat.of().formatHex(MseHash.req2(wireHash)), wireHash);
    }
    return session;
  }

  /**
   * Joins a swarm knowing only its info-hash: gets the torrent (its info dictionary over BEP 9 and
   * its piece layer over BEP 52 hash requests) from the first of {@code peers} that gives a usable
   * one, then adds it as {@link #add} does and connects to every one of {@code peers}. Completes
   * exceptionally when none gives it (or the swarm closes); a session already there for the
   * info-hash is returned at once.
   */
  public CompletableFuture<TorrentSession> addMagnet(
      InfoHash hash, LocalPieces local, List<InetSocketAddress> peers) {
    TorrentSession existing = sessions.get(hash);
    if (existing != null) {
      existing.addLocal(local);
      peers.forEach(existing::connect);
      return CompletableFuture.completedFuture(existing);
    }
    List<InetSocketAddress> candidates = List.copyOf(peers);
    CompletableFuture<TorrentSession> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("swarm-magnet " + hash)
        .start(() -> {
          IOException failure = new IOException("no peer gave the torrent of " + hash);
          for (InetSocketAddress peer : candidates) {
            if (closed) {
              break;
            }
            try {
              SingleFileTorrent torrent = MagnetFetch.fetch(hash, peer, peerId);
              TorrentSession session = add(torrent, local);
              candidates.forEach(session::connect);
              result.complete(session);
              return;
            } catch (IOException | RuntimeException e) {
              LOG.debug("no torrent of {} from {}: {}", hash, peer, e.toString());
              failure.addSuppressed(e);
            }
          }
          result.completeExceptionally(failure);
        });
    return result;
  }

  public Optional<TorrentSession> find(InfoHash hash) {
    return Optional.ofNullable(sessions.get(hash));
  }

  public List<TorrentSession> sessions() {
    return List.copyOf(sessions.values());
  }

  /** Leaves the torrent's swarm: its connections close and its pending fetches fail. */
  public void remove(InfoHash hash) {
    TorrentSession session = sessions.remove(hash);
    if (session != null) {
      byWireHash.remove(HexFormat.of().formatHex(hash.truncated()));
      byStreamKeyHash.remove(HexFormat.of().formatHex(MseHash.req2(hash.truncated())));
      session.close();
    }
  }

  /** The addresses of the peers connected now, in every session. */
  Set<InetSocketAddress> peerAddresses() {
    Set<InetSocketAddress> addresses = new HashSet<>();
    for (TorrentSession session : sessions.values()) {
      for (PeerView peer : session.peers()) {
        addresses.add(peer.address());
      }
    }
    return addresses;
  }

  /** The rate uploads are paced at by the delay they add, bytes per second; 0 for none. */
  public long uploadPace() {
    UploadPacing paced = pacing;
    return paced == null ? 0 : paced.rate();
  }

  public SwarmTotals totals() {
    return new SwarmTotals(downloaded.get(), uploaded.get(), connections.get(), rejected.get());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    UploadPacing paced = pacing;
    if (paced != null) {
      paced.close();
    }
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        LOG.debug("closing the listener: {}", e.toString());
      }
    }
    for (InfoHash hash : new ArrayList<>(sessions.keySet())) {
      remove(hash);
    }
    wakeTicker();
  }

  // ---- for sessions ----

  SwarmSettings settings() {
    return settings;
  }

  Clock clock() {
    return settings.clock();
  }

  UploadLimiter limiter() {
    return limiter;
  }

  /** A slot for one more connection, handshakes included; false when all are taken. */
  boolean reserveConnection() {
    while (true) {
      int now = connections.get();
      if (closed || now >= settings.maxConnections()) {
        return false;
      }
      if (connections.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  void downloaded(long bytes) {
    downloaded.addAndGet(bytes);
  }

  void uploaded(SourceKind peer, long bytes) {
    uploaded.addAndGet(bytes);
    settings.uploads().uploaded(peer, bytes);
  }

  /**
   * Whether blocks may be sent to peers of {@code peer}'s kind now (a monthly upload cap not
   * reached).
   */
  boolean mayUpload(SourceKind peer) {
    return settings.uploads().mayUpload(peer);
  }

  void rejected(long bytes) {
    rejected.addAndGet(bytes);
  }

  // ---- threads ----

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("the peer listener failed: {}", e.toString());
        }
        return;
      }
      if (!reserveConnection()) {
        LOG.debug("refusing {}: {} connections", socket.getRemoteSocketAddress(), connections);
        closeQuietly(socket);
        continue;
      }
      Thread.ofVirtual()
          .name("peer-accept " + socket.getRemoteSocketAddress())
          .start(() -> handshake(socket));
    }
  }

  /**
   * An incoming connection: its handshake (plain, or inside MSE's obfuscated one) names the
   * torrent, whose session takes it.
   */
  private void handshake(Socket socket) {
    try {
      PeerHandshake.accepted(socket);
      PeerHandshake.Incoming incoming =
          PeerHandshake.readIncoming(
              socket,
              req2 ->
                  Optional.ofNullable(byStreamKeyHash.get(HexFormat.of().formatHex(req2)))
                      .map(byte[]::clone));
      Handshake theirs = incoming.handshake();
      TorrentSession session = byWireHash.get(HexFormat.of().formatHex(theirs.infoHash()));
      if (session == null) {
        throw new IOException("a handshake for a torrent this node does not have");
      }
      if (incoming.obfuscation() != null) {
        LOG.debug(
            "incoming {} spoke MSE, {} selected",
            socket.getRemoteSocketAddress(),
            incoming.obfuscation());
      }
      session.accept(incoming.socket(), theirs);
    } catch (IOException | RuntimeException e) {
      LOG.debug("incoming {} refused: {}", socket.getRemoteSocketAddress(), e.toString());
      closeQuietly(socket);
      connectionClosed();
    }
  }

  private void tickLoop() {
    while (!closed) {
      for (TorrentSession session : sessions.values()) {
        try {
          session.tick(settings.clock().nanoTime());
        } catch (RuntimeException e) {
          LOG.warn("{}'s periodic work failed", session, e);
        }
      }
      tickLock.lock();
      try {
        if (!closed) {
          tickNow.awaitNanos(TICK_NANOS);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        tickLock.unlock();
      }
    }
  }

  private void wakeTicker() {
    tickLock.lock();
    try {
      tickNow.signalAll();
    } finally {
      tickLock.unlock();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing else to do with it.
    }
  }
}
