package dev.ferry.swarm.session;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What this node holds of one torrent's file: the pieces it can serve. The session reads nothing
 * but through this, and checks every piece it reads against the torrent's piece layer before it
 * serves it, so an implementation need not verify anything itself.
 */
public interface LocalPieces {
  /**
   * Whether piece {@code piece} is verified and readable now. May change over time: a file being
   * downloaded gains pieces, which the session announces within a tick (at once after {@link
   * TorrentSession#verified}).
   */
  boolean has(int piece);

  /** Fills {@code dst.remaining()} bytes of the file from {@code offset}. */
  void read(long offset, ByteBuffer dst) throws IOException;

  /** Holds nothing: a pure downloader. */
  static LocalPieces none() {
    return None.INSTANCE;
  }

  /**
   * A complete file on disk (what {@code ferry do seed} offers): every piece, read from the file on
   * each call, so a file changed or cut under Ferry shows as a piece that fails its check.
   */
  static LocalPieces ofFile(Path complete) {
    return new CompleteFile(complete);
  }

  /** See {@link #none()}. */
  enum None implements LocalPieces {
    INSTANCE;

    @Override
    public boolean has(int piece) {
      return false;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
      throw new IOException("this node holds no piece of the file");
    }

    @Override
    public String toString() {
      return "LocalPieces.none()";
    }
  }

  /** See {@link #ofFile(Path)}. */
  record CompleteFile(Path file) implements LocalPieces {
    @Override
    public boolean has(int piece) {
      return true;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
      // Opened for each read: the session reads a piece once and keeps it while serving it (its
      // cache of verified pieces), so this is not per block, and nothing stays open to close.
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long at = offset;
        while (dst.hasRemaining()) {
          int n = channel.read(dst, at);
          if (n < 0) {
            throw new EOFException(file + " ends before byte " + (at + dst.remaining()));
          }
          at += n;
        }
      }
    }
  }
}
