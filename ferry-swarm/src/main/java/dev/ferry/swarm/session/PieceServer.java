package dev.ferry.swarm.session;

import static dev.ferry.swarm.session.Wanted.BLOCK;

import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.bencode.Bencoder;
import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.wire.ExtensionHandshake;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Extended;
import dev.ferry.swarm.wire.Message.HashReject;
import dev.ferry.swarm.wire.Message.HashRequest;
import dev.ferry.swarm.wire.Message.Hashes;
import dev.ferry.swarm.wire.Message.Have;
import dev.ferry.swarm.wire.Message.Signal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What peers get from us: only pieces that a {@link LocalPieces} has, each checked on read ({@link
 * ServedPieces}), and announced (bitfield or HAVE_ALL/HAVE_NONE first, HAVE as pieces come); a
 * piece that fails is no longer announced nor served until {@link TorrentSession#verified} is
 * called for it again. Also BEP 52 hash requests ({@link MerkleProofs}) and BEP 9 metadata requests
 * (the torrent's info dictionary), and each connection's uploads on its writer thread.
 */
final class PieceServer implements PeerConnection.Uploads {
  private static final Logger LOG = LoggerFactory.getLogger(PieceServer.class);

  /** The id under which peers send us ut_metadata messages (any from 1 to 255 would do). */
  static final int UT_METADATA_ID = 3;

  private final SessionState state;
  private final MerkleProofs proofs;
  private final byte[] info;
  private final ServedPieces served;
  private final CopyOnWriteArrayList<LocalPieces> locals = new CopyOnWriteArrayList<>();

  // Under the lock.
  private final BitSet unservable = new BitSet();
  private final Map<SourceKind, Long> uploadedTo = new HashMap<>(4);

  PieceServer(SessionState state, PieceHashes hashes, LocalPieces local) {
    this.state = state;
    this.proofs = new MerkleProofs(state.torrent.tree());
    this.info = Bencoder.encode(state.torrent.info());
    this.served = new ServedPieces(hashes, this::readLocal);
    this.locals.add(local);
    for (int piece = 0; piece < state.pieceCount; piece++) {
      if (local.has(piece)) {
        state.announced(piece, true);
      }
    }
  }

  /** Another local copy to serve from (the same torrent added again). */
  void addLocal(LocalPieces local) {
    if (locals.addIfAbsent(local)) {
      state.lock.lock();
      try {
        for (int piece = 0; piece < state.pieceCount; piece++) {
          if (!state.announced(piece) && !unservable.get(piece) && local.has(piece)) {
            announce(piece);
          }
        }
      } finally {
        state.lock.unlock();
      }
    }
  }

  /**
   * Once a tick: announces (HAVE) the pieces the local copies gained since, which the engine
   * verified from any source (the origin, a cache, peers), so that peers connected before can ask
   * for them. Reads the copies outside the lock.
   */
  void announceGained() {
    BitSet gained = new BitSet(state.pieceCount);
    BitSet known;
    state.lock.lock();
    try {
      known = state.announcedPieces();
      known.or(unservable);
    } finally {
      state.lock.unlock();
    }
    for (int piece = known.nextClearBit(0);
        piece < state.pieceCount;
        piece = known.nextClearBit(piece + 1)) {
      if (servable(piece)) {
        gained.set(piece);
      }
    }
    if (gained.isEmpty()) {
      return;
    }
    state.lock.lock();
    try {
      gained.andNot(unservable);
      for (int piece = gained.nextSetBit(0); piece >= 0; piece = gained.nextSetBit(piece + 1)) {
        announce(piece);
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** See {@link TorrentSession#verified}; the piece is in range. */
  void verified(int piece) {
    state.lock.lock();
    try {
      unservable.clear(piece);
      served.forget(piece);
      announce(piece);
    } finally {
      state.lock.unlock();
    }
  }

  /** Under the lock: payload sent to peers, by kind of peer. */
  Map<SourceKind, Long> uploadedTo() {
    return Map.copyOf(uploadedTo);
  }

  // ---- announcing ----

  /** The pieces the local copies can serve now; asked outside the lock. */
  BitSet localPieces() {
    BitSet have = new BitSet(state.pieceCount);
    for (int piece = 0; piece < state.pieceCount; piece++) {
      if (servable(piece)) {
        have.set(piece);
      }
    }
    state.lock.lock();
    try {
      have.andNot(unservable);
    } finally {
      state.lock.unlock();
    }
    return have;
  }

  /** Under the lock: what a new peer hears first, {@code have} being {@link #localPieces}. */
  void greet(Peer p, BitSet have) {
    for (int piece = have.nextSetBit(0); piece >= 0; piece = have.nextSetBit(piece + 1)) {
      state.announced(piece, true);
    }
    PeerConnection c = p.connection;
    int count = have.cardinality();
    if (c.fast() && count == state.pieceCount) {
      c.send(Signal.HAVE_ALL);
    } else if (c.fast() && count == 0) {
      c.send(Signal.HAVE_NONE);
    } else if (count > 0) {
      c.send(new Bitfield(bitfield(have)));
    }
    if (c.extensions()) {
      int port = state.swarm.port();
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
    byte[] bits = new byte[(state.pieceCount + 7) / 8];
    for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) {
      bits[i >>> 3] |= (byte) (0x80 >>> (i & 7));
    }
    return bits;
  }

  private boolean servable(int piece) {
    for (LocalPieces local : locals) {
      if (local.has(piece)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the piece is announced as ours: the local copies hold it. */
  boolean holdsHere(int piece) {
    state.lock.lock();
    try {
      return state.announced(piece);
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * The checked bytes of a piece the local copies hold, as served to peers; a piece that cannot be
   * read or fails its check is no longer announced, and fails here.
   */
  ByteBuffer localPiece(int piece) {
    try {
      return ByteBuffer.wrap(served.get(piece));
    } catch (ServedPieces.Unservable e) {
      unservable(piece, e);
      throw new CompletionException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  /** Under the lock. */
  private void announce(int piece) {
    if (state.announced(piece)) {
      return;
    }
    state.announced(piece, true);
    for (Peer p : state.peers.values()) {
      p.connection.send(new Have(piece));
    }
  }

  // ---- uploads, on a connection's writer thread ----

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
    state.swarm.limiter().acquire(bytes);
  }

  @Override
  public void sent(PeerConnection connection, int bytes) {
    // A peer gone since the block was read was of a kind no longer known: counted as DO counts a
    // peer it cannot place.
    SourceKind kind = SourceKind.PEER;
    state.lock.lock();
    try {
      Peer p = state.peers.get(connection);
      if (p != null) {
        kind = p.kind;
        p.uploaded += bytes;
        if (p.known != null) {
          p.known.attempts = 0;
        }
      }
      uploadedTo.merge(kind, (long) bytes, Long::sum);
    } finally {
      state.lock.unlock();
    }
    state.swarm.uploaded(kind, bytes);
  }

  private void readLocal(int piece, ByteBuffer dst) throws IOException {
    for (LocalPieces local : locals) {
      if (local.has(piece)) {
        local.read((long) piece * state.torrent.pieceLength(), dst);
        return;
      }
    }
    throw new IOException("no local copy has piece " + piece);
  }

  private ByteBuffer serve(PeerConnection connection, BlockRef ref) throws InterruptedException {
    int piece = ref.piece();
    SourceKind kind;
    state.lock.lock();
    try {
      Peer p = state.peers.get(connection);
      if (state.closed || p == null || piece >= state.pieceCount) {
        return null;
      }
      kind = p.kind;
      if (ref.begin() < 0
          || ref.length() < 1
          || ref.length() > BLOCK
          || (long) ref.begin() + ref.length() > servedLength(piece)
          || unservable.get(piece)
          || !state.announced(piece)) {
        return null;
      }
    } finally {
      state.lock.unlock();
    }
    if (!servable(piece) || !state.swarm.mayUpload(kind)) {
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
      unservable(piece, e);
      return null;
    }
  }

  /** The local copies cannot give the piece as checked: it is no longer announced as ours. */
  private void unservable(int piece, ServedPieces.Unservable why) {
    LOG.warn("not serving piece {} of {}: {}", piece, state.torrent.infoHash(), why.getMessage());
    state.lock.lock();
    try {
      unservable.set(piece);
      state.announced(piece, false);
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * How far into a piece a peer may ask: the piece's bytes, and for the last piece the whole piece
   * size. libtorrent pads every file of a v2 torrent to a piece boundary (the torrent it loads ends
   * in an implicit pad file), so it asks for the file's last block as a whole 16 KiB block, the
   * bytes past the end being the pad's zeros.
   */
  private int servedLength(int piece) {
    return piece == state.pieceCount - 1 ? state.torrent.pieceLength() : state.pieceLength(piece);
  }

  // ---- hashes and metadata, on a connection's reader thread ----

  /** A BEP 52 hash request: the piece layer's hashes with their uncles; the block layer refused. */
  void hashes(Peer p, HashRequest r) {
    byte[] answer = proofs.answer(r.range());
    LOG.debug("peer {}: {} {}", p, r.range(), answer == null ? "rejected" : "answered");
    p.connection.send(answer == null ? new HashReject(r.range()) : new Hashes(r.range(), answer));
  }

  /**
   * The extension protocol (BEP 10): the peer's handshake (its ut_metadata id, listening port and
   * client), and BEP 9 metadata requests answered with the torrent's info dictionary.
   */
  void extended(Peer p, Extended e) throws IOException {
    if (e.extendedId() == Extended.HANDSHAKE) {
      ExtensionHandshake theirs = ExtensionHandshake.decode(e.payload());
      state.lock.lock();
      try {
        p.metadataId = theirs.messages().getOrDefault(MetadataMessage.EXTENSION, 0);
        theirs
            .port()
            .ifPresent(
                port -> p.listenAddress = new InetSocketAddress(p.address.getAddress(), port));
        p.client = theirs.client().orElse(null);
      } finally {
        state.lock.unlock();
      }
      return;
    }
    if (e.extendedId() != UT_METADATA_ID) {
      return;
    }
    MetadataMessage m = MetadataMessage.decode(e.payload());
    int theirId;
    state.lock.lock();
    try {
      theirId = p.metadataId;
    } finally {
      state.lock.unlock();
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
}
