package dev.ferry.swarm.session;

import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.peer.PeerSocket;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One torrent in a {@link Swarm}: its peers, what is fetched from them and what is served to them.
 * This class is the session's face; the work is its parts', each with one concern:
 *
 * <ul>
 *   <li>{@link PeerLinks}: known peers, dialled with backoff; connections made to us; the slots
 *       they take; bans and duplicates refused, new peers greeted.
 *   <li>{@link PeerMessages}: what each connection reports, handed to the part it concerns.
 *   <li>{@link Availability} and {@link PiecePicker}: who has what, and which blocks of the wanted
 *       pieces each peer is asked for (pipelined, begun pieces first then rarest first, an endgame,
 *       snubbed peers passed over).
 *   <li>{@link Fetches}: a {@link #fetch} made a piece wanted; its blocks arrive, the whole piece
 *       is checked against the piece layer before the fetch completes.
 *   <li>{@link Ahead}: while fetches are made, pieces fetched ahead of them from peers that unchoke
 *       us and have none of the wanted pieces, kept in memory for the fetch that comes.
 *   <li>{@link Blame}: a piece that failed: strikes, the bad copy judged block by block once the
 *       piece passes, bans.
 *   <li>{@link Choker}: which interested peers we upload to (regular slots by rate, an optimistic
 *       unchoke), and none while the upload account refuses.
 *   <li>{@link PieceServer}: what peers get from us (checked pieces of the {@link LocalPieces},
 *       announced as they come), hash requests and metadata.
 * </ul>
 *
 * <p>Threads: each connection's reader thread calls in with the messages it receives, its writer
 * thread with the blocks it serves, the swarm's ticker once a second; the parts' state is guarded
 * by the session's one lock ({@link SessionState}), never held while a socket, a disk or a hash is
 * worked.
 */
public final class TorrentSession {
  /** Reads of pieces the local copy holds, each on a virtual thread of its own. */
  private static final Executor LOCAL_READS =
      task -> Thread.ofVirtual().name("piece-local").start(task);

  private final SessionState state;
  private final Availability availability;
  private final PiecePicker picker;
  private final Blame blame;
  private final Fetches fetches;
  private final Choker choker;
  private final PieceServer server;
  private final PeerLinks links;
  private final PieceHashes hashes;
  private final Ahead ahead;

  TorrentSession(Swarm swarm, SingleFileTorrent torrent, LocalPieces local) {
    this.hashes = PieceHashes.of(torrent.tree());
    this.state = new SessionState(swarm, torrent);
    this.ahead = new Ahead(state);
    this.availability = new Availability(state, ahead);
    this.picker = new PiecePicker(state, availability, ahead);
    this.blame = new Blame(state, picker);
    this.fetches = new Fetches(state, picker, blame, hashes, ahead);
    this.choker = new Choker(state);
    this.server = new PieceServer(state, hashes, local);
    PeerConnection.Listener messages =
        new PeerMessages(state, picker, availability, fetches, choker, server);
    this.links = new PeerLinks(state, blame, server, messages);
  }

  public SingleFileTorrent torrent() {
    return state.torrent;
  }

  /**
   * Connects to a known peer (as libtorrent's connect_peer does), and again with backoff whenever
   * the connection fails or ends, while the session lives and the peer is not banned.
   */
  public void connect(InetSocketAddress peer) {
    links.connect(peer);
  }

  /**
   * Bytes from {@code offset} that peers would send now: the run of whole pieces from the one
   * holding {@code offset} that some connected, not banned peer that unchokes this machine
   * announced, cut at the file's end; 0 when none. Does not block on the network.
   */
  public long available(long offset) {
    return availability.available(offset);
  }

  /**
   * The pieces fetched ahead of any {@link #fetch} and kept here, checked, for the fetch that
   * comes: a fetch of one completes at once.
   */
  public BitSet kept() {
    state.lock.lock();
    try {
      return ahead.kept();
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * As {@link #available}, counting the pieces of every connected peer, whether it unchokes this
   * machine or not: what peers hold, which they may send later.
   */
  public long held(long offset) {
    return availability.held(offset);
  }

  /**
   * The piece's bytes from peers, checked against the piece layer. {@code cancel(true)} withdraws
   * the want (its outstanding requests are cancelled when no other fetch wants the piece). Fails
   * only when the session is removed or its swarm closed.
   */
  public CompletableFuture<ByteBuffer> fetch(int piece) {
    if (piece < 0 || piece >= state.pieceCount) {
      throw new IllegalArgumentException(
          "piece " + piece + " out of range: the torrent has " + state.pieceCount);
    }
    if (server.holdsHere(piece)) {
      // The local copy has the piece already: whoever fetches wants it anyway (the engine no
      // longer writes a part twice, but a caller may ask for any piece). Peers are never asked
      // for a piece announced as ours, so the fetch would wait on them in vain: it reads the
      // piece here, checked, and asks peers only where that fails.
      return CompletableFuture.supplyAsync(() -> server.localPiece(piece), LOCAL_READS)
          .exceptionallyCompose(unreadable -> fetches.fetch(piece));
    }
    return fetches.fetch(piece);
  }

  /**
   * A fetch of {@code piece} waits on it now, the pieces after it being of no use until it comes:
   * its blocks are asked before those of other wanted pieces, of a second peer where the first is
   * slow. Nothing if the piece is not wanted.
   */
  public void hurry(int piece) {
    state.lock.lock();
    try {
      Wanted w = picker.wanted(piece);
      if (w != null) {
        picker.hurry(w);
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** Whether the pieces {@link #fetch} gives passed {@code check}: whether it is the session's. */
  public boolean checksAgainst(PieceCheck check) {
    return hashes.equals(check);
  }

  /** The local copy now has {@code piece}: peers hear of it (HAVE). */
  public void verified(int piece) {
    if (piece < 0 || piece >= state.pieceCount) {
      throw new IllegalArgumentException("piece " + piece + " out of range");
    }
    server.verified(piece);
  }

  /**
   * Tells the session whether its download is in Group mode, so that the peers it meets beyond this
   * network count as the group's ({@link PeerKinds}) rather than as Internet peers.
   */
  public void inGroup(boolean group) {
    state.group = group;
  }

  /**
   * The kind of peer that sent most of piece {@code piece}, once {@link #fetch} got it; {@link
   * SourceKind#PEER} before.
   */
  public SourceKind kindOf(int piece) {
    state.lock.lock();
    try {
      SourceKind[] kinds = state.pieceKinds;
      SourceKind kind = kinds == null || piece < 0 || piece >= kinds.length ? null : kinds[piece];
      return kind == null ? SourceKind.PEER : kind;
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * For a message on a piece long awaited: how many connected peers have {@code piece}, how many of
   * those unchoke this machine, and what became of its blocks.
   */
  public String holders(int piece) {
    state.lock.lock();
    try {
      int have = 0;
      int unchoking = 0;
      for (Peer p : state.peers.values()) {
        if (!p.banned && p.has(piece)) {
          have++;
          if (!p.chokesUs) {
            unchoking++;
          }
        }
      }
      return have
          + " of "
          + state.peers.size()
          + " connected peers have it, "
          + unchoking
          + " of them unchoke this machine; "
          + picker.progress(piece);
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * Whether a peer could send {@code piece} now: one that has it and unchokes this machine, or one
   * asked for a block of it.
   */
  public boolean anyoneSends(int piece) {
    state.lock.lock();
    try {
      return picker.anyoneSends(piece);
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * Payload taken in from peers so far, checked or not yet, less what failed its check (blocks of a
   * piece given up midway count): the pace of the peers, who send several pieces at once, each of
   * which is handed on only once it is whole.
   */
  public long bytesTakenIn() {
    state.lock.lock();
    try {
      return fetches.bytesTakenIn() - blame.rejectedBytes();
    } finally {
      state.lock.unlock();
    }
  }

  public SessionStats stats() {
    state.lock.lock();
    try {
      return new SessionStats(
          fetches.bytesDownloaded(),
          server.uploadedTo(),
          blame.rejectedBytes(),
          blame.piecesRejected(),
          state.peers.size(),
          blame.banned().size(),
          links.seen());
    } finally {
      state.lock.unlock();
    }
  }

  /** The connected peers, then the banned ones. */
  public List<PeerView> peers() {
    state.lock.lock();
    try {
      List<PeerView> views = new ArrayList<>();
      for (Peer p : state.peers.values()) {
        if (!p.banned) {
          views.add(p.view(state.pieceCount));
        }
      }
      for (Peer p : blame.banned()) {
        views.add(p.view(state.pieceCount));
      }
      return views;
    } finally {
      state.lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "TorrentSession[" + state.torrent.infoHash() + "]";
  }

  // ---- with the swarm ----

  /** Another local copy to serve from (the same torrent added again). */
  void addLocal(LocalPieces local) {
    server.addLocal(local);
  }

  /** Takes an incoming connection whose handshake named this torrent; closes it if refused. */
  void accept(PeerSocket socket, Handshake theirs) {
    links.accept(socket, theirs);
  }

  /**
   * Once a second of real time, at the settings' clock's {@code now}; then each connection's
   * keep-alive and silence, in real time and outside the lock (a silent one is closed).
   */
  void tick(long now) {
    if (!state.closed) {
      server.announceGained();
    }
    List<PeerConnection> connections;
    state.lock.lock();
    try {
      if (state.closed) {
        return;
      }
      choker.tick(now);
      picker.tick(now);
      links.tick(now);
      picker.fillAll();
      connections = List.copyOf(state.peers.keySet());
    } finally {
      state.lock.unlock();
    }
    long real = System.nanoTime();
    for (PeerConnection c : connections) {
      c.checkLiveness(real);
    }
  }

  /** Removed from the swarm or the swarm closed: pending fetches fail, connections close. */
  void close() {
    List<CompletableFuture<ByteBuffer>> failed;
    List<PeerConnection> connections;
    state.lock.lock();
    try {
      if (state.closed) {
        return;
      }
      state.closed = true;
      failed = fetches.close();
      connections = List.copyOf(state.peers.keySet());
    } finally {
      state.lock.unlock();
    }
    for (PeerConnection c : connections) {
      c.close();
    }
    IOException cause = state.closedException();
    failed.forEach(f -> f.completeExceptionally(cause));
  }
}
