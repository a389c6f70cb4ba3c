package dev.ferry.swarm.session;

import static dev.ferry.swarm.session.Wanted.BLOCK;
import static dev.ferry.swarm.session.Wanted.NONE;
import static dev.ferry.swarm.session.Wanted.RECEIVED;
import static dev.ferry.swarm.session.Wanted.key;

import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.WireException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link TorrentSession#fetch} starts: a wanted piece ({@link PiecePicker} asks for its
 * blocks), its blocks as they arrive (an endgame's duplicates cancelled when one comes), and the
 * whole piece checked against the piece layer (the engine's {@link PieceHashes}), outside the lock,
 * before the fetch completes. A piece that fails goes to {@link Blame}. A fetch cancelled withdraws
 * its want.
 */
final class Fetches {
  private final SessionState state;
  private final PiecePicker picker;
  private final Blame blame;
  private final PieceHashes hashes;
  private final Ahead ahead;
  private long bytesDownloaded;
  private long bytesTakenIn;

  Fetches(SessionState state, PiecePicker picker, Blame blame, PieceHashes hashes, Ahead ahead) {
    this.state = state;
    this.picker = picker;
    this.blame = blame;
    this.hashes = hashes;
    this.ahead = ahead;
  }

  /** See {@link TorrentSession#fetch}; the piece is in range. */
  CompletableFuture<ByteBuffer> fetch(int piece) {
    CompletableFuture<ByteBuffer> future = new CompletableFuture<>();
    state.lock.lock();
    try {
      if (state.closed) {
        return CompletableFuture.failedFuture(state.closedException());
      }
      ahead.fetched(state.now());
      byte[] kept = ahead.take(piece);
      if (kept != null) {
        return CompletableFuture.completedFuture(ByteBuffer.wrap(kept));
      }
      Wanted w = picker.wanted(piece);
      boolean fresh = w == null;
      if (fresh) {
        w = new Wanted(piece, state.pieceLength(piece));
        picker.want(w);
      }
      w.ahead = false;
      w.futures.add(future);
      if (fresh) {
        for (Peer p : state.peers.values()) {
          if (p.has(piece)) {
            p.connection.interested(true);
            picker.fill(p);
          }
        }
      }
    } finally {
      state.lock.unlock();
    }
    future.whenComplete((bytes, failure) -> {
      if (future.isCancelled()) {
        withdraw(piece, future);
      }
    });
    return future;
  }

  /** Under the lock: payload of pieces that passed their check. */
  long bytesDownloaded() {
    return bytesDownloaded;
  }

  /**
   * Under the lock: payload of the blocks kept for wanted pieces, as they came, checked or not yet
   * (those of pieces that failed too).
   */
  long bytesTakenIn() {
    return bytesTakenIn;
  }

  /** Under the lock: the session closes; every pending fetch, to be failed outside the lock. */
  List<CompletableFuture<ByteBuffer>> close() {
    List<CompletableFuture<ByteBuffer>> pending = new ArrayList<>();
    for (Wanted w : picker.wanted()) {
      pending.addAll(w.futures);
    }
    picker.unwantAll();
    ahead.clear();
    return pending;
  }

  /** A block p sent: kept if it is one of a wanted piece's, and the piece checked once whole. */
  void block(Peer p, Piece message) throws IOException {
    Wanted done = null;
    int piece = message.piece();
    int begin = message.begin();
    state.lock.lock();
    try {
      long now = state.now();
      int b = begin / BLOCK;
      long key = key(piece, b);
      // A block that answers a cancelled request leaves a request made since outstanding.
      boolean asked = !p.cancelled(key) && p.outstanding.remove(key);
      Wanted w = picker.wanted(piece);
      if (asked && w != null) {
        w.requests[b]--;
      }
      if (w == null || w.verifying || begin % BLOCK != 0 || b >= w.blocks) {
        if (asked && w != null) {
          throw new WireException("piece " + piece + " at " + begin + " is not a block");
        }
        p.wasted += message.length();
        picker.fill(p);
        return;
      }
      int length = message.length();
      if (length != Math.min(BLOCK, w.length - begin)) {
        throw new WireException("block " + b + " of piece " + piece + " with " + length + " bytes");
      }
      p.progressAt = now;
      p.snubbed = false;
      p.rateBytes += length;
      p.sent();
      if (p.known != null) {
        p.known.attempts = 0;
      }
      // A block not asked of this peer is taken only while nobody is suspected for the piece (a
      // late one after a choke, say): a piece that failed takes blocks from the peer it is asked
      // of alone, so that a second failure blames that peer.
      if (w.state[b] == RECEIVED || (!asked && !w.suspects.isEmpty())) {
        p.wasted += length;
        picker.fill(p);
        return;
      }
      if (w.state[b] == NONE) {
        w.unrequested--;
      }
      if (w.data == null) {
        w.data = new byte[w.length];
      }
      message.copyTo(w.data, begin);
      bytesTakenIn += length;
      w.state[b] = RECEIVED;
      w.sender[b] = p;
      w.received++;
      p.downloaded += length;
      boolean cancelled = false;
      if (w.requests[b] > 0) {
        // The endgame asked others too: they need not send it.
        for (Peer q : state.peers.values()) {
          if (q.outstanding.remove(key)) {
            w.requests[b]--;
            q.cancel(key, new BlockRef(piece, begin, length));
            cancelled = true;
          }
        }
      }
      if (w.received == w.blocks) {
        w.verifying = true;
        done = w;
        picker.interestAll();
      }
      // Only this peer's queue moved, unless the endgame's duplicates were withdrawn.
      if (cancelled) {
        picker.fillAll();
      } else {
        picker.fill(p);
      }
    } finally {
      state.lock.unlock();
    }
    if (done != null) {
      // On a thread of its own: the connection's reader goes on with the next blocks meanwhile,
      // which on a fast link is the work that bounds the rate.
      Wanted whole = done;
      Thread.ofVirtual()
          .name("piece-check " + piece)
          .start(() ->
              finish(whole, hashes.matches(piece, ByteBuffer.wrap(whole.data, 0, whole.length))));
    }
  }

  private void finish(Wanted w, boolean good) {
    List<CompletableFuture<ByteBuffer>> complete = List.of();
    state.lock.lock();
    try {
      if (picker.wanted(w.piece) != w) {
        return;
      }
      if (good) {
        picker.unwant(w.piece);
        bytesDownloaded += w.length;
        keepKind(w);
        state.swarm.downloaded(w.length);
        complete = List.copyOf(w.futures);
        w.futures.clear();
        if (complete.isEmpty() && w.ahead) {
          ahead.keep(w.piece, w.data);
        } else {
          ahead.handed(w.piece);
        }
        // Only once the piece is kept or handed: a ban the judgment makes gives the banned peer's
        // requests to others, and a piece neither wanted, kept nor handed was fetched ahead
        // again, and counted twice.
        if (w.badCopy != null) {
          blame.judge(w);
        }
      } else {
        blame.failed(w);
      }
      picker.interestAll();
      picker.fillAll();
    } finally {
      state.lock.unlock();
    }
    for (int i = 0; i < complete.size(); i++) {
      byte[] bytes = i == 0 ? w.data : w.data.clone();
      complete.get(i).complete(ByteBuffer.wrap(bytes));
    }
  }

  /** Under the lock: which kind of peer sent most of {@code w}'s blocks, for the statistics. */
  private void keepKind(Wanted w) {
    if (state.pieceKinds == null) {
      state.pieceKinds = new SourceKind[state.pieceCount];
    }
    // Blocks by kind, in the order of SourceKind.PEERS: no map for each piece.
    int[] blocks = new int[SourceKind.PEERS.size()];
    for (Peer sender : w.sender) {
      if (sender != null) {
        blocks[SourceKind.PEERS.indexOf(sender.kind)]++;
      }
    }
    int most = SourceKind.PEERS.indexOf(SourceKind.PEER);
    for (int k = 0; k < blocks.length; k++) {
      if (blocks[k] > blocks[most]) {
        most = k;
      }
    }
    state.pieceKinds[w.piece] = SourceKind.PEERS.get(most);
  }

  private void withdraw(int piece, CompletableFuture<ByteBuffer> future) {
    state.lock.lock();
    try {
      Wanted w = picker.wanted(piece);
      if (w == null || !w.futures.remove(future) || !w.futures.isEmpty() || w.verifying) {
        return;
      }
      picker.unwant(piece);
      if (w.badSenders != null) {
        blame.unjudged(w);
      }
      for (Peer p : state.peers.values()) {
        picker.cancel(p, w);
        p.connection.interested(picker.interestedIn(p));
      }
      picker.fillAll();
    } finally {
      state.lock.unlock();
    }
  }
}
