package dev.ferry.swarm.session;

import dev.ferry.engine.integrity.Bep52;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.swarm.bencode.Bencoder;
import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.peer.PeerHandshake;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.ExtensionHandshake;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Cancel;
import dev.ferry.swarm.wire.Message.Extended;
import dev.ferry.swarm.wire.Message.HashReject;
import dev.ferry.swarm.wire.Message.HashRequest;
import dev.ferry.swarm.wire.Message.Hashes;
import dev.ferry.swarm.wire.Message.Have;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.RejectRequest;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireException;
import dev.ferry.swarm.wire.WireLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One torrent in a {@link Swarm}: its peers, what is fetched from them and what is served to them.
 *
 * <p>Downloading: each pending {@link #fetch} makes its piece wanted; wanted pieces are requested
 * in 16 KiB blocks from peers that have them and unchoke us, pipelined (each peer's queue of
 * outstanding requests follows the rate it gives, a second's worth, from {@link #MIN_PIPELINE} to
 * {@link #MAX_PIPELINE}), pieces already begun first, then rarest first (ties broken at random, per
 * peer, so that peers spread over the pieces). When every block of every wanted piece is asked for,
 * an idle peer asks again for blocks outstanding elsewhere (the endgame), and the duplicates are
 * cancelled when one arrives. A whole piece is checked against the piece layer (the engine's {@link
 * PieceHashes}) before its fetch completes. A piece that fails is discarded and counted, and every
 * peer that sent a block of it gets a strike; it is fetched again from one peer at a time,
 * preferably one that did not send it. When it then passes, the bad copy is compared block by block
 * with the good one: a peer whose block differed is banned at once, the others lose that strike. A
 * peer that alone sent two bad pieces is banned, and so is one with {@link #STRIKES_TO_BAN} strikes
 * once the pieces whose blame it shares are judged.
 *
 * <p>Serving: interested peers are unchoked up to {@link #UNCHOKE_SLOTS} at a time (by the rate
 * they give us, else in turn), plus one optimistic unchoke that rotates, recomputed each {@link
 * #CHOKE_ROUND} of the settings' clock; an interested peer takes a free slot at once. Only pieces
 * that a {@link LocalPieces} has are served, each checked on read ({@link ServedPieces}); one that
 * fails is no longer announced nor served until {@link #verified} is called for it again. The
 * session also answers BEP 52 hash requests ({@link MerkleProofs}) and BEP 9 metadata requests.
 *
 * <p>Threads: each connection's reader thread calls in with the messages it receives, its writer
 * thread with the blocks it serves, the swarm's ticker once a second; the state is guarded by one
 * lock, never held while a socket, a disk or a hash is worked.
 */
public final class TorrentSession {
  private static final Logger LOG = LoggerFactory.getLogger(TorrentSession.class);

  static final int BLOCK = Bep52.BLOCK_SIZE;

  /** The id under which peers send us ut_metadata messages (any from 1 to 255 would do). */
  static final int UT_METADATA_ID = 3;

  static final int UNCHOKE_SLOTS = 4;
  static final long CHOKE_ROUND = TimeUnit.SECONDS.toNanos(10);
  static final long OPTIMISTIC_ROUND = TimeUnit.SECONDS.toNanos(30);
  static final long SNUB_AFTER = TimeUnit.SECONDS.toNanos(60);
  static final int MIN_PIPELINE = 16;
  static final int MAX_PIPELINE = 500;
  static final int STRIKES_TO_BAN = 2;

  /** A snubbed peer is asked for one block at a time until it sends one. */
  private static final int SNUBBED_PIPELINE = 1;

  /** How many requests an idle peer makes for blocks outstanding elsewhere, in the endgame. */
  private static final int ENDGAME_REQUESTS = MIN_PIPELINE;

  private static final long RECONNECT_MIN = TimeUnit.SECONDS.toNanos(1);
  private static final long RECONNECT_MAX = TimeUnit.SECONDS.toNanos(60);

  private static final byte NONE = 0;
  private static final byte REQUESTED = 1;
  private static final byte RECEIVED = 2;

  private final Swarm swarm;
  private final SingleFileTorrent torrent;
  private final PieceHashes hashes;
  private final MerkleProofs proofs;
  private final byte[] info;
  private final int pieceCount;
  private final WireLimits limits;
  private final ServedPieces served;
  private final CopyOnWriteArrayList<LocalPieces> locals = new CopyOnWriteArrayList<>();
  private final Listener listener = new Listener();
  private final Uploads uploads = new Uploads();

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<PeerConnection, Peer> peers = new LinkedHashMap<>();
  private final Map<InetSocketAddress, Known> known = new LinkedHashMap<>();
  private final Set<PeerId> bannedIds = new HashSet<>();
  private final Set<InetSocketAddress> bannedAddresses = new HashSet<>();
  private final List<Peer> banned = new ArrayList<>();
  private final Set<PeerId> seen = new HashSet<>();
  private final int[] availability;
  private int seeds;
  private final Map<Integer, Wanted> wanted = new LinkedHashMap<>();
  private final BitSet announced = new BitSet();
  private final BitSet unservable = new BitSet();
  private int handshaking;
  private Peer optimistic;
  private long optimisticAt;
  private long chokeRoundAt;
  private boolean closed;
  private long bytesDownloaded;
  private long bytesUploaded;
  private long rejectedBytes;
  private long piecesRejected;

  TorrentSession(Swarm swarm, SingleFileTorrent torrent, LocalPieces local) {
    this.swarm = swarm;
    this.torrent = torrent;
    this.hashes = PieceHashes.of(torrent.tree());
    this.proofs = new MerkleProofs(torrent.tree());
    this.info = Bencoder.encode(torrent.info());
    this.pieceCount = torrent.tree().pieceCount();
    this.limits = WireLimits.forPieces(pieceCount);
    this.availability = new int[pieceCount];
    this.served = new ServedPieces(hashes, this::readLocal);
    this.locals.add(local);
    long now = swarm.clock().nanoTime();
    this.chokeRoundAt = now;
    this.optimisticAt = now;
    for (int piece = 0; piece < pieceCount; piece++) {
      if (local.has(piece)) {
        announced.set(piece);
      }
    }
  }

  public SingleFileTorrent torrent() {
    return torrent;
  }

  /**
   * Connects to a known peer (as libtorrent's connect_peer does), and again with backoff whenever
   * the connection fails or ends, while the session lives and the peer is not banned.
   */
  public void connect(InetSocketAddress peer) {
    lock.lock();
    try {
      if (closed || bannedAddresses.contains(peer)) {
        return;
      }
      Known k = known.computeIfAbsent(peer, Known::new);
      k.nextAt = swarm.clock().nanoTime();
      dialIfDue(k, k.nextAt);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Bytes from {@code offset} that connected peers have: the run of whole pieces from the one
   * holding {@code offset} that some connected, not banned peer announced, cut at the file's end; 0
   * when none. Does not block on the network.
   */
  public long available(long offset) {
    if (offset < 0 || offset >= torrent.length()) {
      return 0;
    }
    int pieceLength = torrent.pieceLength();
    int first = (int) (offset / pieceLength);
    lock.lock();
    try {
      int piece = first;
      while (piece < pieceCount && availability(piece) > 0) {
        piece++;
      }
      if (piece == first) {
        return 0;
      }
      return Math.min(torrent.length(), (long) piece * pieceLength) - offset;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The piece's bytes from peers, checked against the piece layer. {@code cancel(true)} withdraws
   * the want (its outstanding requests are cancelled when no other fetch wants the piece). Fails
   * only when the session is removed or its swarm closed.
   */
  public CompletableFuture<ByteBuffer> fetch(int piece) {
    if (piece < 0 || piece >= pieceCount) {
      throw new IllegalArgumentException(
          "piece " + piece + " out of range: the torrent has " + pieceCount);
    }
    CompletableFuture<ByteBuffer> future = new CompletableFuture<>();
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      Wanted w = wanted.get(piece);
      boolean fresh = w == null;
      if (fresh) {
        w = new Wanted(piece);
        wanted.put(piece, w);
      }
      w.futures.add(future);
      if (fresh) {
        for (Peer p : peers.values()) {
          if (p.has(piece)) {
            p.connection.interested(true);
            fill(p);
          }
        }
      }
    } finally {
      lock.unlock();
    }
    future.whenComplete((bytes, failure) -> {
      if (future.isCancelled()) {
        withdraw(piece, future);
      }
    });
    return future;
  }

  /** The local copy now has {@code piece}: peers hear of it (HAVE). */
  public void verified(int piece) {
    if (piece < 0 || piece >= pieceCount) {
      throw new IllegalArgumentException("piece " + piece + " out of range");
    }
    lock.lock();
    try {
      unservable.clear(piece);
      served.forget(piece);
      announce(piece);
    } finally {
      lock.unlock();
    }
  }

  public SessionStats stats() {
    lock.lock();
    try {
      return new SessionStats(
          bytesDownloaded,
          bytesUploaded,
          rejectedBytes,
          piecesRejected,
          peers.size(),
          banned.size(),
          seen.size());
    } finally {
      lock.unlock();
    }
  }

  /** The connected peers, then the banned ones. */
  public List<PeerView> peers() {
    lock.lock();
    try {
      List<PeerView> views = new ArrayList<>();
      for (Peer p : peers.values()) {
        if (!p.banned) {
          views.add(p.view());
        }
      }
      for (Peer p : banned) {
        views.add(p.view());
      }
      return views;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "TorrentSession[" + torrent.infoHash() + "]";
  }

  // ---- with the swarm ----

  /** Another local copy to serve from (the same torrent added again). */
  void addLocal(LocalPieces local) {
    if (locals.addIfAbsent(local)) {
      lock.lock();
      try {
        for (int piece = 0; piece < pieceCount; piece++) {
          if (!announced.get(piece) && !unservable.get(piece) && local.has(piece)) {
            announce(piece);
          }
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Takes an incoming connection whose handshake named this torrent; closes it if refused. */
  void accept(Socket socket, Handshake theirs) {
    lock.lock();
    try {
      if (!reserveSlot()) {
        close(socket, "the torrent's connections are all in use");
        swarm.connectionClosed();
        return;
      }
    } finally {
      lock.unlock();
    }
    Handshake ours = ourHandshake();
    try {
      PeerHandshake.send(socket, ours);
    } catch (IOException e) {
      close(socket, e.toString());
      released(null);
      return;
    }
    attach(socket, ours, theirs, null);
  }

  /** Once a second of real time, at the settings' clock's {@code now}. */
  void tick(long now) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (now - chokeRoundAt >= CHOKE_ROUND) {
        chokeRound(now);
      }
      for (Peer p : List.copyOf(peers.values())) {
        p.measure(now);
        if (!p.outstanding.isEmpty() && now - p.progressAt >= SNUB_AFTER && !p.snubbed) {
          LOG.debug("peer {} snubs us: its requests go to others", p);
          p.snubbed = true;
          release(p, true);
        }
      }
      for (Known k : known.values()) {
        dialIfDue(k, now);
      }
      fillAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removed from the swarm or the swarm closed: pending fetches fail, connections close. */
  void close() {
    List<CompletableFuture<ByteBuffer>> failed = new ArrayList<>();
    List<PeerConnection> connections;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Wanted w : wanted.values()) {
        failed.addAll(w.futures);
      }
      wanted.clear();
      connections = List.copyOf(peers.keySet());
    } finally {
      lock.unlock();
    }
    for (PeerConnection c : connections) {
      c.close();
    }
    IOException cause = closedException();
    failed.forEach(f -> f.completeExceptionally(cause));
  }

  // ---- connections ----

  private Handshake ourHandshake() {
    return new Handshake(Reserved.FERRY, torrent.infoHash().truncated(), swarm.peerId());
  }

  /** Under the lock: a slot for one more connection of this torrent, and of the swarm. */
  private boolean reserveSlot() {
    if (closed || peers.size() + handshaking >= swarm.settings().maxConnectionsPerTorrent()) {
      return false;
    }
    handshaking++;
    return true;
  }

  /** A reserved slot whose handshake failed. */
  private void released(Known k) {
    lock.lock();
    try {
      handshaking--;
      if (k != null) {
        k.connecting = false;
        k.failed(swarm.clock().nanoTime());
      }
    } finally {
      lock.unlock();
    }
    swarm.connectionClosed();
  }

  private void dialIfDue(Known k, long now) {
    if (closed || k.connecting || k.peer != null || k.banned || now < k.nextAt) {
      return;
    }
    if (!swarm.reserveConnection()) {
      k.nextAt = now + RECONNECT_MIN;
      return;
    }
    if (!reserveSlot()) {
      swarm.connectionClosed();
      k.nextAt = now + RECONNECT_MIN;
      return;
    }
    k.connecting = true;
    Thread.ofVirtual().name("peer-dial " + k.address).start(() -> dial(k));
  }

  private void dial(Known k) {
    Socket socket = null;
    try {
      socket = PeerHandshake.connect(k.address);
      Handshake ours = ourHandshake();
      PeerHandshake.send(socket, ours);
      Handshake theirs = PeerHandshake.read(socket);
      if (!Arrays.equals(theirs.infoHash(), ours.infoHash())) {
        throw new WireException("the peer answered for another torrent");
      }
      attach(socket, ours, theirs, k);
    } catch (IOException | RuntimeException e) {
      LOG.debug("connecting to {} failed: {}", k.address, e.toString());
      if (socket != null) {
        close(socket, null);
      }
      released(k);
    }
  }

  /**
   * Both handshakes done: checks the peer against bans and duplicates, then starts the connection
   * with our bitfield and extension handshake first in its queue.
   */
  private void attach(Socket socket, Handshake ours, Handshake theirs, Known k) {
    BitSet have = localPieces();
    PeerConnection connection;
    try {
      connection = new PeerConnection(socket, ours, theirs, limits, uploads);
    } catch (IOException e) {
      close(socket, e.toString());
      released(k);
      return;
    }
    String refusal = null;
    lock.lock();
    try {
      PeerId id = theirs.peerId();
      InetSocketAddress address =
          k != null ? k.address : (InetSocketAddress) socket.getRemoteSocketAddress();
      if (closed) {
        refusal = "the session is closed";
      } else if (id.equals(swarm.peerId())) {
        refusal = "a connection to ourselves";
      } else if (bannedIds.contains(id) || bannedAddresses.contains(address)) {
        refusal = "banned";
      } else if (peers.values().stream().anyMatch(p -> p.id.equals(id))) {
        refusal = "already connected to this peer";
      }
      if (refusal != null) {
        if (k != null) {
          k.connecting = false;
          k.failed(swarm.clock().nanoTime());
        }
      } else {
        handshaking--;
        Peer p = new Peer(connection, address, k);
        peers.put(connection, p);
        seen.add(id);
        if (k != null) {
          k.connecting = false;
          k.peer = p;
        }
        announced.or(have);
        greet(p, have);
      }
    } finally {
      lock.unlock();
    }
    if (refusal != null) {
      LOG.debug("peer {} refused: {}", socket.getRemoteSocketAddress(), refusal);
      close(socket, null);
      lock.lock();
      try {
        handshaking--;
      } finally {
        lock.unlock();
      }
      swarm.connectionClosed();
      return;
    }
    LOG.debug(
        "peer {} connected for {} (fast {}, extensions {})",
        connection,
        torrent.infoHash(),
        connection.fast(),
        connection.extensions());
    connection.start(listener);
  }

  /** Under the lock: what a new peer hears first. */
  private void greet(Peer p, BitSet have) {
    PeerConnection c = p.connection;
    int count = have.cardinality();
    if (c.fast() && count == pieceCount) {
      c.send(Signal.HAVE_ALL);
    } else if (c.fast() && count == 0) {
      c.send(Signal.HAVE_NONE);
    } else if (count > 0) {
      c.send(new Bitfield(bitfield(have)));
    }
    if (c.extensions()) {
      int port = swarm.port();
      c.send(
          new ExtensionHandshake(
                  Map.of(MetadataMessage.EXTENSION, UT_METADATA_ID),
                  Optional.of("Ferry"),
                  port > 0 ? OptionalInt.of(port) : OptionalInt.empty(),
                  OptionalLong.of(info.length))
              .toMessage());
    }
  }

  private byte[] bitfield(BitSet have) {
    byte[] bits = new byte[(pieceCount + 7) / 8];
    for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) {
      bits[i >>> 3] |= (byte) (0x80 >>> (i & 7));
    }
    return bits;
  }

  /** The pieces the local copies can serve now; asked outside the lock. */
  private BitSet localPieces() {
    BitSet have = new BitSet(pieceCount);
    for (int piece = 0; piece < pieceCount; piece++) {
      if (servable(piece)) {
        have.set(piece);
      }
    }
    lock.lock();
    try {
      have.andNot(unservable);
    } finally {
      lock.unlock();
    }
    return have;
  }

  private boolean servable(int piece) {
    for (LocalPieces local : locals) {
      if (local.has(piece)) {
        return true;
      }
    }
    return false;
  }

  /** Under the lock. */
  private void announce(int piece) {
    if (announced.get(piece)) {
      return;
    }
    announced.set(piece);
    for (Peer p : peers.values()) {
      p.connection.send(new Have(piece));
    }
  }

  private void peerClosed(PeerConnection connection, Throwable cause) {
    lock.lock();
    try {
      Peer p = peers.remove(connection);
      if (p == null) {
        return;
      }
      release(p, false);
      if (p.hasAll) {
        seeds--;
      } else {
        for (int i = p.has.nextSetBit(0); i >= 0; i = p.has.nextSetBit(i + 1)) {
          availability[i]--;
        }
      }
      if (optimistic == p) {
        optimistic = null;
      }
      if (p.known != null && p.known.peer == p) {
        p.known.peer = null;
        p.known.failed(swarm.clock().nanoTime());
      }
      fillAll();
    } finally {
      lock.unlock();
    }
    swarm.connectionClosed();
  }

  private static void close(Socket socket, String why) {
    if (why != null) {
      LOG.debug("closing {}: {}", socket.getRemoteSocketAddress(), why);
    }
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing else to do with it.
    }
  }

  // ---- messages ----

  private void received(Peer p, Message message) throws IOException {
    switch (message) {
      case Signal s -> signal(p, s);
      case Have h -> have(p, h.piece());
      case Bitfield b -> bitfield(p, b);
      case Piece piece -> block(p, piece);
      case RejectRequest r -> rejected(p, r.block());
      case Extended e -> extended(p, e);
      case HashRequest r -> {
        byte[] answer = proofs.answer(r.range());
        LOG.debug("peer {}: {} {}", p, r.range(), answer == null ? "rejected" : "answered");
        p.connection.send(
            answer == null ? new HashReject(r.range()) : new Hashes(r.range(), answer));
      }
      default -> {
        // Suggest and allowed fast are hints Ferry does without; hashes and hash rejects answer
        // requests it does not make, torrents having their piece layers.
      }
    }
  }

  private void signal(Peer p, Signal s) {
    lock.lock();
    try {
      switch (s) {
        case CHOKE -> {
          p.chokesUs = true;
          release(p, false);
          fillAll();
        }
        case UNCHOKE -> {
          p.chokesUs = false;
          p.rejected.clear();
          p.progressAt = swarm.clock().nanoTime();
          fill(p);
        }
        case INTERESTED -> {
          long regular =
              peers.values().stream()
                  .filter(q ->
                      q != optimistic && !q.connection.amChoking() && q.connection.peerInterested())
                  .count();
          // A free slot is taken at once rather than at the next round.
          if (regular < UNCHOKE_SLOTS) {
            unchoke(p, swarm.clock().nanoTime());
          }
        }
        case HAVE_ALL -> {
          if (!p.hasAll) {
            clearHaves(p);
            p.hasAll = true;
            seeds++;
            interestAndFill(p);
          }
        }
        default -> {}
      }
    } finally {
      lock.unlock();
    }
  }

  private void have(Peer p, int piece) throws WireException {
    if (piece >= pieceCount) {
      throw new WireException("have " + piece + ": the torrent has " + pieceCount + " pieces");
    }
    lock.lock();
    try {
      if (!p.hasAll && !p.has.get(piece)) {
        p.has.set(piece);
        availability[piece]++;
        if (wanted.containsKey(piece)) {
          interestAndFill(p);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void bitfield(Peer p, Bitfield b) throws WireException {
    byte[] bits = b.bits();
    if (bits.length != (pieceCount + 7) / 8) {
      throw new WireException("a bitfield of " + bits.length + " bytes for " + pieceCount);
    }
    for (int i = pieceCount; i < bits.length * 8; i++) {
      if (b.has(i)) {
        throw new WireException("a bitfield with spare bits set");
      }
    }
    lock.lock();
    try {
      clearHaves(p);
      for (int i = 0; i < pieceCount; i++) {
        if (b.has(i)) {
          p.has.set(i);
          availability[i]++;
        }
      }
      interestAndFill(p);
    } finally {
      lock.unlock();
    }
  }

  private void clearHaves(Peer p) {
    if (p.hasAll) {
      seeds--;
      p.hasAll = false;
    }
    for (int i = p.has.nextSetBit(0); i >= 0; i = p.has.nextSetBit(i + 1)) {
      availability[i]--;
    }
    p.has.clear();
  }

  private void extended(Peer p, Extended e) throws IOException {
    if (e.extendedId() == Extended.HANDSHAKE) {
      ExtensionHandshake theirs = ExtensionHandshake.decode(e.payload());
      lock.lock();
      try {
        p.metadataId = theirs.messages().getOrDefault(MetadataMessage.EXTENSION, 0);
        theirs
            .port()
            .ifPresent(
                port -> p.listenAddress = new InetSocketAddress(p.address.getAddress(), port));
        p.client = theirs.client().orElse(null);
      } finally {
        lock.unlock();
      }
      return;
    }
    if (e.extendedId() != UT_METADATA_ID) {
      return;
    }
    MetadataMessage m = MetadataMessage.decode(e.payload());
    int theirId;
    lock.lock();
    try {
      theirId = p.metadataId;
    } finally {
      lock.unlock();
    }
    if (m.type() != MetadataMessage.REQUEST || theirId == 0) {
      return;
    }
    MetadataMessage answer =
        m.piece() < MetadataMessage.pieces(info.length)
            ? MetadataMessage.data(m.piece(), info)
            : MetadataMessage.reject(m.piece());
    p.connection.send(new Extended(theirId, answer.encode()));
  }

  // ---- downloading ----

  private int availability(int piece) {
    return availability[piece] + seeds;
  }

  private static int blocks(int length) {
    return (length + BLOCK - 1) / BLOCK;
  }

  private int pieceLength(int piece) {
    return (int)
        Math.min(torrent.pieceLength(), torrent.length() - (long) piece * torrent.pieceLength());
  }

  private static long key(int piece, int block) {
    return ((long) piece << 32) | block;
  }

  private static int keyPiece(long key) {
    return (int) (key >>> 32);
  }

  private static int keyBlock(long key) {
    return (int) key;
  }

  /** Under the lock: whether p has a wanted piece, said to it, and requests if it may. */
  private void interestAndFill(Peer p) {
    p.connection.interested(wantsFrom(p));
    fill(p);
  }

  private boolean wantsFrom(Peer p) {
    for (Wanted w : wanted.values()) {
      if (!w.verifying && p.has(w.piece)) {
        return true;
      }
    }
    return false;
  }

  private void fillAll() {
    for (Peer p : List.copyOf(peers.values())) {
      fill(p);
    }
  }

  /** Under the lock: requests blocks from p up to its pipeline. */
  private void fill(Peer p) {
    if (p.chokesUs || p.banned || p.connection.isClosed() || !p.connection.amInterested()) {
      return;
    }
    int depth = p.snubbed ? SNUBBED_PIPELINE : p.pipeline;
    while (p.outstanding.size() < depth) {
      // The piece p was working on, while it has blocks to ask for: what choose() would pick
      // (begun pieces come first), without a pass over every wanted piece for each block.
      Wanted current = p.current == null ? null : wanted.get(p.current);
      Wanted w =
          current != null
                  && current.unrequested > 0
                  && !current.verifying
                  && current.suspects.isEmpty()
                  && !p.rejected.contains(current.piece)
              ? current
              : choose(p);
      if (w == null) {
        break;
      }
      p.current = w.piece;
      for (int b = 0; b < w.blocks && p.outstanding.size() < depth; b++) {
        if (w.state[b] == NONE) {
          request(p, w, b);
        }
      }
    }
    if (p.outstanding.isEmpty() && !p.snubbed && endgame()) {
      for (Wanted w : wanted.values()) {
        if (w.verifying
            || !p.has(w.piece)
            || p.rejected.contains(w.piece)
            || !w.suspects.isEmpty()) {
          continue;
        }
        for (int b = 0; b < w.blocks && p.outstanding.size() < ENDGAME_REQUESTS; b++) {
          if (w.state[b] == REQUESTED && !p.outstanding.contains(key(w.piece, b))) {
            request(p, w, b);
          }
        }
      }
    }
  }

  /** Whether every block of every wanted piece is asked for or here. */
  private boolean endgame() {
    for (Wanted w : wanted.values()) {
      if (!w.verifying && w.unrequested > 0) {
        return false;
      }
    }
    return true;
  }

  /** The wanted piece p should be asked for next: begun ones first, then the rarest. */
  private Wanted choose(Peer p) {
    Wanted best = null;
    long bestScore = Long.MAX_VALUE;
    for (Wanted w : wanted.values()) {
      if (w.verifying
          || w.unrequested == 0
          || !p.has(w.piece)
          || p.rejected.contains(w.piece)
          || (w.suspects.contains(p) && othersCanServe(w, p))
          || (!w.suspects.isEmpty() && othersHold(w, p))) {
        continue;
      }
      long begun = w.unrequested < w.blocks ? 0 : 1;
      long score =
          (begun << 62)
              | ((long) Math.min(availability(w.piece), 0xFFFF) << 32)
              | (mix(p.salt ^ w.piece) & 0xFFFF_FFFFL);
      if (score < bestScore) {
        bestScore = score;
        best = w;
      }
    }
    return best;
  }

  /** Whether a peer that sent no block of w's bad copy has w and unchokes us. */
  private boolean othersCanServe(Wanted w, Peer suspect) {
    for (Peer q : peers.values()) {
      if (q != suspect && !q.banned && !q.chokesUs && q.has(w.piece) && !w.suspects.contains(q)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether another peer has requests out for w. A piece that failed is fetched again from one peer
   * at a time, so that a second failure has one sender and blames it alone.
   */
  private boolean othersHold(Wanted w, Peer p) {
    for (int b = 0; b < w.blocks; b++) {
      if (w.requests[b] > 0 && !p.outstanding.contains(key(w.piece, b))) {
        return true;
      }
    }
    return false;
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return x;
  }

  private void request(Peer p, Wanted w, int b) {
    if (p.outstanding.isEmpty()) {
      p.progressAt = swarm.clock().nanoTime();
    }
    p.outstanding.add(key(w.piece, b));
    if (w.state[b] == NONE) {
      w.state[b] = REQUESTED;
      w.unrequested--;
    }
    w.requests[b]++;
    int begin = b * BLOCK;
    p.connection.send(new Request(new BlockRef(w.piece, begin, Math.min(BLOCK, w.length - begin))));
  }

  /** Under the lock: p's outstanding requests go back to the pool (cancelled if p lives on). */
  private void release(Peer p, boolean cancel) {
    for (long key : p.outstanding) {
      Wanted w = wanted.get(keyPiece(key));
      if (w == null) {
        continue;
      }
      int b = keyBlock(key);
      w.requests[b]--;
      if (w.state[b] == REQUESTED && w.requests[b] == 0) {
        w.state[b] = NONE;
        w.unrequested++;
      }
      if (cancel) {
        int begin = b * BLOCK;
        p.connection.send(
            new Cancel(new BlockRef(w.piece, begin, Math.min(BLOCK, w.length - begin))));
      }
    }
    p.outstanding.clear();
  }

  private void rejected(Peer p, BlockRef ref) {
    lock.lock();
    try {
      long key = key(ref.piece(), ref.begin() / BLOCK);
      if (p.outstanding.remove(key)) {
        Wanted w = wanted.get(ref.piece());
        if (w != null) {
          int b = keyBlock(key);
          w.requests[b]--;
          if (w.state[b] == REQUESTED && w.requests[b] == 0) {
            w.state[b] = NONE;
            w.unrequested++;
          }
        }
        // Not asked of this peer again until it unchokes us anew.
        p.rejected.add(ref.piece());
        fillAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void block(Peer p, Piece message) throws IOException {
    Wanted done = null;
    int piece = message.piece();
    int begin = message.begin();
    lock.lock();
    try {
      long now = swarm.clock().nanoTime();
      int b = begin / BLOCK;
      long key = key(piece, b);
      boolean asked = p.outstanding.remove(key);
      Wanted w = wanted.get(piece);
      if (asked && w != null) {
        w.requests[b]--;
      }
      if (w == null || w.verifying || begin % BLOCK != 0 || b >= w.blocks) {
        if (asked && w != null) {
          throw new WireException("piece " + piece + " at " + begin + " is not a block");
        }
        p.wasted += message.data().length;
        fill(p);
        return;
      }
      byte[] data = message.data();
      if (data.length != Math.min(BLOCK, w.length - begin)) {
        throw new WireException(
            "block " + b + " of piece " + piece + " with " + data.length + " bytes");
      }
      p.progressAt = now;
      p.snubbed = false;
      p.rateBytes += data.length;
      if (p.known != null) {
        p.known.attempts = 0;
      }
      // A block not asked of this peer is taken only while nobody is suspected for the piece (a
      // late one after a choke, say): a piece that failed takes blocks from the peer it is asked
      // of alone, so that a second failure blames that peer.
      if (w.state[b] == RECEIVED || (!asked && !w.suspects.isEmpty())) {
        p.wasted += data.length;
        fill(p);
        return;
      }
      if (w.state[b] == NONE) {
        w.unrequested--;
      }
      if (w.data == null) {
        w.data = new byte[w.length];
      }
      System.arraycopy(data, 0, w.data, begin, data.length);
      w.state[b] = RECEIVED;
      w.sender[b] = p;
      w.received++;
      p.downloaded += data.length;
      boolean cancelled = false;
      if (w.requests[b] > 0) {
        // The endgame asked others too: they need not send it.
        for (Peer q : peers.values()) {
          if (q.outstanding.remove(key)) {
            w.requests[b]--;
            q.connection.send(new Cancel(new BlockRef(piece, begin, data.length)));
            cancelled = true;
          }
        }
      }
      if (w.received == w.blocks) {
        w.verifying = true;
        done = w;
        for (Peer q : peers.values()) {
          q.connection.interested(wantsFrom(q));
        }
      }
      // Only this peer's queue moved, unless the endgame's duplicates were withdrawn.
      if (cancelled) {
        fillAll();
      } else {
        fill(p);
      }
    } finally {
      lock.unlock();
    }
    if (done != null) {
      boolean good = hashes.matches(piece, ByteBuffer.wrap(done.data, 0, done.length));
      finish(done, good);
    }
  }

  private void finish(Wanted w, boolean good) {
    List<CompletableFuture<ByteBuffer>> complete = List.of();
    lock.lock();
    try {
      if (wanted.get(w.piece) != w) {
        return;
      }
      if (good) {
        wanted.remove(w.piece);
        bytesDownloaded += w.length;
        swarm.downloaded(w.length);
        if (w.badCopy != null) {
          judge(w);
        }
        complete = List.copyOf(w.futures);
        w.futures.clear();
      } else {
        failed(w);
      }
      for (Peer q : peers.values()) {
        q.connection.interested(wantsFrom(q));
      }
      fillAll();
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < complete.size(); i++) {
      byte[] bytes = i == 0 ? w.data : w.data.clone();
      complete.get(i).complete(ByteBuffer.wrap(bytes));
    }
  }

  /** Under the lock: a piece that failed its check. */
  private void failed(Wanted w) {
    rejectedBytes += w.length;
    piecesRejected++;
    swarm.rejected(w.length);
    Set<Peer> senders = new LinkedHashSet<>(Arrays.asList(w.sender));
    senders.remove(null);
    LOG.debug("piece {} of {} failed its check; sent by {}", w.piece, torrent.infoHash(), senders);
    if (w.badCopy == null) {
      w.badCopy = w.data;
      w.badSenders = w.sender.clone();
    }
    boolean firstFailure = w.suspects.isEmpty();
    w.suspects.addAll(senders);
    for (Peer s : senders) {
      s.strikes++;
      if (senders.size() == 1) {
        s.soleBadPieces++;
      } else if (firstFailure) {
        // Shared blame: the piece's judgment (when it passes) may clear this peer.
        s.awaitingJudgment++;
      }
      judgeStrikes(s);
    }
    w.data = null;
    w.sender = new Peer[w.blocks];
    Arrays.fill(w.state, NONE);
    Arrays.fill(w.requests, 0);
    for (Peer q : peers.values()) {
      for (int b = 0; b < w.blocks; b++) {
        if (q.outstanding.remove(key(w.piece, b))) {
          int begin = b * BLOCK;
          q.connection.send(
              new Cancel(new BlockRef(w.piece, begin, Math.min(BLOCK, w.length - begin))));
        }
      }
    }
    w.unrequested = w.blocks;
    w.received = 0;
    w.verifying = false;
    if (w.futures.isEmpty()) {
      wanted.remove(w.piece);
      unjudged(w);
    }
  }

  /**
   * Under the lock: a piece that failed once has passed; its bad copy shows, block by block, who
   * sent what differs (banned) and who was only near it (forgiven the strike).
   */
  private void judge(Wanted w) {
    Set<Peer> guilty = new LinkedHashSet<>();
    Set<Peer> near = new LinkedHashSet<>();
    for (int b = 0; b < w.blocks; b++) {
      Peer s = w.badSenders[b];
      if (s == null) {
        continue;
      }
      int from = b * BLOCK;
      int to = Math.min(w.length, from + BLOCK);
      if (Arrays.equals(w.badCopy, from, to, w.data, from, to)) {
        near.add(s);
      } else {
        guilty.add(s);
      }
    }
    near.removeAll(guilty);
    unjudged(w);
    for (Peer s : near) {
      s.strikes = Math.max(0, s.strikes - 1);
      judgeStrikes(s);
    }
    for (Peer s : guilty) {
      ban(s, "sent a corrupt block of piece " + w.piece);
    }
    w.badCopy = null;
    w.badSenders = null;
  }

  /** Under the lock: w's first failure is judged (or never will be): its senders wait no more. */
  private void unjudged(Wanted w) {
    Set<Peer> senders = new HashSet<>(Arrays.asList(w.badSenders));
    senders.remove(null);
    if (senders.size() > 1) {
      for (Peer s : senders) {
        s.awaitingJudgment--;
        judgeStrikes(s);
      }
    }
  }

  /**
   * Under the lock: bans a peer that alone sent two bad pieces, or that has {@link #STRIKES_TO_BAN}
   * strikes once every piece whose blame it shares has been judged (so that a good peer that
   * happened to send blocks beside a liar's is not banned before the liar is found).
   */
  private void judgeStrikes(Peer s) {
    if (s.soleBadPieces >= STRIKES_TO_BAN) {
      ban(s, "alone sent " + s.soleBadPieces + " pieces that failed their check");
    } else if (s.strikes >= STRIKES_TO_BAN && s.awaitingJudgment == 0) {
      ban(s, "sent blocks of " + s.strikes + " pieces that failed their check");
    }
  }

  /** Under the lock: disconnects p and refuses it (its id and addresses) for the session's life. */
  private void ban(Peer p, String reason) {
    if (p.banned) {
      return;
    }
    p.banned = true;
    banned.add(p);
    bannedIds.add(p.id);
    bannedAddresses.add(p.address);
    if (p.listenAddress != null) {
      bannedAddresses.add(p.listenAddress);
    }
    if (p.known != null) {
      p.known.banned = true;
    }
    // Nothing a banned peer sent counts: its blocks in pieces not yet checked are asked again.
    for (Wanted w : wanted.values()) {
      if (w.verifying) {
        continue;
      }
      for (int b = 0; b < w.blocks; b++) {
        if (w.sender[b] == p) {
          w.sender[b] = null;
          w.state[b] = w.requests[b] > 0 ? REQUESTED : NONE;
          if (w.state[b] == NONE) {
            w.unrequested++;
          }
          w.received--;
        }
      }
    }
    LOG.atInfo()
        .addKeyValue("infohash", torrent.infoHash())
        .addKeyValue("peer", p.address)
        .addKeyValue("peer_id", p.id)
        .addKeyValue("reason", reason)
        .log("peer banned");
    p.connection.close();
  }

  private void withdraw(int piece, CompletableFuture<ByteBuffer> future) {
    lock.lock();
    try {
      Wanted w = wanted.get(piece);
      if (w == null || !w.futures.remove(future) || !w.futures.isEmpty() || w.verifying) {
        return;
      }
      wanted.remove(piece);
      if (w.badSenders != null) {
        unjudged(w);
      }
      for (Peer p : peers.values()) {
        for (int b = 0; b < w.blocks; b++) {
          if (p.outstanding.remove(key(piece, b))) {
            int begin = b * BLOCK;
            p.connection.send(
                new Cancel(new BlockRef(piece, begin, Math.min(BLOCK, w.length - begin))));
          }
        }
        p.connection.interested(wantsFrom(p));
      }
      fillAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- choking ----

  /** Under the lock: the regular unchokes by rate (else in turn) and the optimistic one. */
  private void chokeRound(long now) {
    chokeRoundAt = now;
    if (!swarm.mayUpload()) {
      // The upload account refuses (a monthly cap reached): every peer is choked until it allows.
      for (Peer p : peers.values()) {
        if (!p.connection.amChoking()) {
          p.connection.choke();
          p.chokedAt = now;
        }
      }
      return;
    }
    List<Peer> interested = new ArrayList<>();
    for (Peer p : peers.values()) {
      if (!p.banned && p.connection.peerInterested()) {
        interested.add(p);
      }
    }
    // Peers that give us more first; among equals, whoever waited longest, and a peer unchoked
    // for a while yields its slot to one that waits (round robin).
    interested.sort(
        Comparator.comparingLong((Peer p) -> -p.rate)
            .thenComparingLong(
                p -> p.connection.amChoking() ? p.chokedAt : p.unchokedAt + CHOKE_ROUND * 2));
    List<Peer> regular = interested.subList(0, Math.min(UNCHOKE_SLOTS, interested.size()));
    if (optimistic == null
        || !interested.contains(optimistic)
        || regular.contains(optimistic)
        || now - optimisticAt >= OPTIMISTIC_ROUND) {
      List<Peer> others = new ArrayList<>(interested.subList(regular.size(), interested.size()));
      optimistic =
          others.isEmpty() ? null : others.get(ThreadLocalRandom.current().nextInt(others.size()));
      optimisticAt = now;
    }
    Set<Peer> keep = new HashSet<>(regular);
    if (optimistic != null) {
      keep.add(optimistic);
    }
    for (Peer p : peers.values()) {
      if (keep.contains(p)) {
        unchoke(p, now);
      } else if (!p.connection.amChoking()) {
        p.connection.choke();
        p.chokedAt = now;
      }
    }
  }

  private void unchoke(Peer p, long now) {
    if (p.connection.amChoking() && swarm.mayUpload()) {
      p.connection.unchoke();
      p.unchokedAt = now;
    }
  }

  // ---- serving ----

  private void readLocal(int piece, ByteBuffer dst) throws IOException {
    for (LocalPieces local : locals) {
      if (local.has(piece)) {
        local.read((long) piece * torrent.pieceLength(), dst);
        return;
      }
    }
    throw new IOException("no local copy has piece " + piece);
  }

  private ByteBuffer serve(PeerConnection connection, BlockRef ref) throws InterruptedException {
    int piece = ref.piece();
    lock.lock();
    try {
      if (closed || !peers.containsKey(connection) || piece >= pieceCount) {
        return null;
      }
      if (ref.begin() < 0
          || ref.length() < 1
          || ref.length() > BLOCK
          || (long) ref.begin() + ref.length() > servedLength(piece)
          || unservable.get(piece)
          || !announced.get(piece)) {
        return null;
      }
    } finally {
      lock.unlock();
    }
    if (!servable(piece) || !swarm.mayUpload()) {
      return null;
    }
    try {
      byte[] bytes = served.get(piece);
      if (ref.begin() + ref.length() <= bytes.length) {
        return ByteBuffer.wrap(bytes, ref.begin(), ref.length());
      }
      byte[] padded = new byte[ref.length()];
      System.arraycopy(
          bytes,
          Math.min(ref.begin(), bytes.length),
          padded,
          0,
          Math.max(0, bytes.length - ref.begin()));
      return ByteBuffer.wrap(padded);
    } catch (ServedPieces.Unservable e) {
      LOG.warn("not serving piece {} of {}: {}", piece, torrent.infoHash(), e.getMessage());
      lock.lock();
      try {
        unservable.set(piece);
        announced.clear(piece);
      } finally {
        lock.unlock();
      }
      return null;
    }
  }

  /**
   * How far into a piece a peer may ask: the piece's bytes, and for the last piece the whole piece
   * size. libtorrent pads every file of a v2 torrent to a piece boundary (the torrent it loads ends
   * in an implicit pad file), so it asks for the file's last block as a whole 16 KiB block, the
   * bytes past the end being the pad's zeros.
   */
  private int servedLength(int piece) {
    return piece == pieceCount - 1 ? torrent.pieceLength() : pieceLength(piece);
  }

  private void sent(PeerConnection connection, int bytes) {
    lock.lock();
    try {
      bytesUploaded += bytes;
      Peer p = peers.get(connection);
      if (p != null) {
        p.uploaded += bytes;
        if (p.known != null) {
          p.known.attempts = 0;
        }
      }
    } finally {
      lock.unlock();
    }
    swarm.uploaded(bytes);
  }

  private IOException closedException() {
    return new IOException("the session of " + torrent.infoHash() + " is closed");
  }

  // ---- state ----

  private final class Listener implements PeerConnection.Listener {
    @Override
    public void received(PeerConnection connection, Message message) throws IOException {
      Peer p;
      lock.lock();
      try {
        p = peers.get(connection);
      } finally {
        lock.unlock();
      }
      if (p == null) {
        throw new IOException("no longer a peer of the session");
      }
      TorrentSession.this.received(p, message);
    }

    @Override
    public void closed(PeerConnection connection, Throwable cause) {
      peerClosed(connection, cause);
    }
  }

  private final class Uploads implements PeerConnection.Uploads {
    @Override
    public ByteBuffer block(PeerConnection connection, BlockRef block) throws IOException {
      try {
        return serve(connection, block);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }

    @Override
    public void pace(int bytes) throws InterruptedException {
      swarm.limiter().acquire(bytes);
    }

    @Override
    public void sent(PeerConnection connection, int bytes) {
      TorrentSession.this.sent(connection, bytes);
    }
  }

  /** A peer address to keep connected to. */
  private static final class Known {
    final InetSocketAddress address;
    boolean connecting;
    boolean banned;
    Peer peer;
    int attempts;
    long nextAt;

    Known(InetSocketAddress address) {
      this.address = address;
    }

    /** A failed or ended connection: the next try backs off, doubling up to a minute. */
    void failed(long now) {
      long delay = Math.min(RECONNECT_MAX, RECONNECT_MIN << Math.min(attempts, 6));
      attempts++;
      nextAt = now + delay;
    }
  }

  /** A piece some fetch wants, and its blocks. */
  private final class Wanted {
    final int piece;
    final int length;
    final int blocks;
    final List<CompletableFuture<ByteBuffer>> futures = new ArrayList<>();
    final byte[] state;
    final int[] requests;
    Peer[] sender;
    byte[] data;
    int unrequested;
    int received;
    boolean verifying;
    final Set<Peer> suspects = new HashSet<>();
    byte[] badCopy;
    Peer[] badSenders;

    Wanted(int piece) {
      this.piece = piece;
      this.length = pieceLength(piece);
      this.blocks = blocks(length);
      this.state = new byte[blocks];
      this.requests = new int[blocks];
      this.sender = new Peer[blocks];
      this.unrequested = blocks;
    }
  }

  /** A connected peer's state in this session. */
  private final class Peer {
    final PeerConnection connection;
    final PeerId id;
    final InetSocketAddress address;
    final Known known;
    final long salt = ThreadLocalRandom.current().nextLong();
    InetSocketAddress listenAddress;
    String client;
    final BitSet has = new BitSet();
    boolean hasAll;
    boolean chokesUs = true;
    final LinkedHashSet<Long> outstanding = new LinkedHashSet<>();
    final Set<Integer> rejected = new HashSet<>();
    int pipeline = MIN_PIPELINE;
    Integer current;
    boolean snubbed;
    long progressAt;
    long rateBytes;
    long rateAt;
    long rate;
    long downloaded;
    long uploaded;
    long wasted;
    int strikes;
    int soleBadPieces;
    int awaitingJudgment;
    boolean banned;
    int metadataId;
    long chokedAt;
    long unchokedAt;

    Peer(PeerConnection connection, InetSocketAddress address, Known known) {
      this.connection = connection;
      this.id = connection.handshake().peerId();
      this.address = address;
      this.known = known;
      long now = swarm.clock().nanoTime();
      this.progressAt = now;
      this.rateAt = now;
      this.chokedAt = now;
    }

    boolean has(int piece) {
      return hasAll || has.get(piece);
    }

    /** The rate it gave us since the last measure, and the pipeline that follows from it. */
    void measure(long now) {
      long elapsed = now - rateAt;
      if (elapsed < TimeUnit.SECONDS.toNanos(1)) {
        return;
      }
      rate = rateBytes * 1_000_000_000L / elapsed;
      rateBytes = 0;
      rateAt = now;
      // About a second of blocks at that rate in flight keeps the link busy through a round trip.
      pipeline = (int) Math.max(MIN_PIPELINE, Math.min(MAX_PIPELINE, rate / BLOCK));
    }

    PeerView view() {
      return new PeerView(
          address,
          id,
          chokesUs,
          !banned && connection.amInterested(),
          hasAll ? pieceCount : has.cardinality(),
          downloaded,
          uploaded,
          banned);
    }

    @Override
    public String toString() {
      return address + (client == null ? "" : " (" + client + ")");
    }
  }
}
