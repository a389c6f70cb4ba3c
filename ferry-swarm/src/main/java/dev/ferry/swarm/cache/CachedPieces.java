package dev.ferry.swarm.cache;

import dev.ferry.swarm.session.LocalPieces;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * A cached file's pieces. Every read covers whole pieces and checks each against the piece layer
 * before any of its bytes is given out, so a piece changed on disk is never handed over as valid,
 * whoever reads it; a piece that fails, or a file that is gone or has another size, drops the entry
 * from the cache at once (and {@link #has} then says no). The session checks the pieces it serves
 * again ({@code ServedPieces}): the cache checks for itself so that it learns of a change and drops
 * the entry, which the session's check alone would not tell it.
 */
final class CachedPieces implements LocalPieces {
  private final ContentCache cache;
  private final ContentCache.Slot slot;

  CachedPieces(ContentCache cache, ContentCache.Slot slot) {
    this.cache = cache;
    this.slot = slot;
  }

  @Override
  public boolean has(int piece) {
    return slot.held() && piece >= 0 && piece < slot.hashes().pieceCount();
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    if (!slot.held()) {
      throw new IOException(slot.hash() + " is no longer cached");
    }
    long size = slot.size();
    long end = offset + dst.remaining();
    if (offset < 0 || end > size) {
      throw new IOException("bytes " + offset + " to " + end + " are outside the cached file");
    }
    int pieceSize = slot.hashes().pieceSize();
    try (FileChannel channel =
        FileChannel.open(slot.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (channel.size() != size) {
        throw cache.drop(
            slot, Removal.Reason.CHANGED, "it has " + channel.size() + " bytes, not " + size);
      }
      ByteBuffer piece = ByteBuffer.allocate((int) Math.min(pieceSize, size));
      for (int index = (int) (offset / pieceSize); (long) index * pieceSize < end; index++) {
        long start = (long) index * pieceSize;
        int length = (int) Math.min(pieceSize, size - start);
        piece.clear().limit(length);
        readFully(channel, piece, start);
        piece.flip();
        if (!slot.hashes().matches(index, piece.duplicate())) {
          throw cache.drop(slot, Removal.Reason.CHANGED, "piece " + index + " fails its check");
        }
        int from = (int) Math.max(0, offset - start);
        int to = (int) Math.min(length, end - start);
        dst.put(piece.slice(from, to - from));
      }
    } catch (NoSuchFileException e) {
      throw cache.drop(slot, Removal.Reason.MISSING, "its file is gone");
    }
    cache.served(slot);
  }

  private void readFully(FileChannel channel, ByteBuffer dst, long at) throws IOException {
    long position = at;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, position);
      if (n < 0) {
        throw cache.drop(
            slot, Removal.Reason.CHANGED, "it ends before byte " + (position + dst.remaining()));
      }
      position += n;
    }
  }

  @Override
  public String toString() {
    return "CachedPieces[" + slot.hash() + "]";
  }
}
