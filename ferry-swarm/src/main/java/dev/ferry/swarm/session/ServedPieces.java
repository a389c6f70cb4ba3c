package dev.ferry.swarm.session;

import dev.ferry.engine.integrity.PieceHashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pieces a session serves, read whole from its {@link LocalPieces} and checked against the
 * piece layer before any of their blocks goes out: a small LRU of checked pieces, so that a piece
 * is read and hashed about once while peers ask for its blocks, not once per block, and what is
 * sent is exactly the bytes that were checked. A piece being loaded is loaded once, however many
 * writers ask for it at the same time.
 */
final class ServedPieces {
  /** Memory for checked pieces of one session; at least two pieces whatever their size. */
  private static final long BUDGET = 16L << 20;

  /** Why a piece cannot be served. */
  static final class Unservable extends Exception {
    Unservable(String why) {
      super(why, null, false, false);
    }
  }

  interface Source {
    /** The local copies that hold the piece; reads its bytes into dst. */
    void read(int piece, ByteBuffer dst) throws IOException;
  }

  private final PieceHashes hashes;
  private final Source source;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<Integer, CompletableFuture<byte[]>> cache;

  ServedPieces(PieceHashes hashes, Source source) {
    this.hashes = hashes;
    this.source = source;
    this.capacity = (int) Math.max(2, BUDGET / hashes.pieceSize());
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, CompletableFuture<byte[]>> e) {
            return size() > capacity;
          }
        };
  }

  /** The checked bytes of {@code piece}; Unservable when they cannot be read or fail the check. */
  byte[] get(int piece) throws Unservable, InterruptedException {
    CompletableFuture<byte[]> loading;
    boolean mine = false;
    lock.lock();
    try {
      loading = cache.get(piece);
      if (loading == null) {
        loading = new CompletableFuture<>();
        cache.put(piece, loading);
        mine = true;
      }
    } finally {
      lock.unlock();
    }
    if (mine) {
      load(piece, loading);
    }
    try {
      return loading.get();
    } catch (ExecutionException e) {
      throw (Unservable) e.getCause();
    }
  }

  /** Forgets a piece (the local copy changed: it is read and checked again when asked). */
  void forget(int piece) {
    lock.lock();
    try {
      cache.remove(piece);
    } finally {
      lock.unlock();
    }
  }

  private void load(int piece, CompletableFuture<byte[]> loading) {
    long offset = (long) piece * hashes.pieceSize();
    int length = (int) Math.min(hashes.pieceSize(), hashes.fileSize() - offset);
    byte[] bytes = new byte[length];
    try {
      source.read(piece, ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      fail(piece, loading, "cannot be read: " + e.getMessage());
      return;
    }
    if (!hashes.matches(piece, ByteBuffer.wrap(bytes))) {
      fail(piece, loading, "fails its check: the local copy changed");
      return;
    }
    loading.complete(bytes);
  }

  private void fail(int piece, CompletableFuture<byte[]> loading, String why) {
    // Not kept: the next request tries again (the session stops announcing the piece meanwhile).
    lock.lock();
    try {
      cache.remove(piece, loading);
    } finally {
      lock.unlock();
    }
    loading.completeExceptionally(new Unservable("piece " + piece + " " + why));
  }
}
