package dev.ferry.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What this engine holds of a file while it transfers: the pieces that passed the file's {@link
 * PieceCheck} and are written, readable, so that a source provider can offer them to others (peers
 * fetch from a file still downloading). Pieces are checked, so a copy of a file without a check has
 * none. Once the transfer ends the copy holds nothing: the file may be renamed or deleted.
 */
public interface LocalCopy {
  /** Holds nothing. */
  LocalCopy NONE =
      new LocalCopy() {
        @Override
        public boolean has(int piece) {
          return false;
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
          throw new IOException("nothing is held");
        }
      };

  /**
   * Has {@code listener} told of each piece the copy gains from now on ({@link #has} is true for it
   * by then), on the transfer's thread, so that others hear of it at once: it must be quick and
   * must not block. Only the last listener given is told. Nothing by default.
   */
  default void whenGained(java.util.function.IntConsumer listener) {}

  /** Whether piece {@code piece} (in the check's piece size) passed its check and is written. */
  boolean has(int piece);

  /**
   * Reads {@code dst.remaining()} bytes of the file from {@code offset}, which lie within pieces it
   * {@link #has}.
   *
   * @throws IOException when the bytes cannot be read (the transfer ended, the disk failed)
   */
  void read(long offset, ByteBuffer dst) throws IOException;

  /**
   * {@code bytes} of the file were sent to peers of {@code kind} (one of {@link SourceKind#PEERS}):
   * counted in the file's statistics (DO's bytes to LAN, group and Internet peers). May be told
   * after the transfer ended, until its provider heard of the end.
   */
  default void served(SourceKind kind, long bytes) {}
}
