package dev.ferry.engine.transfer;

import dev.ferry.spi.LocalCopy;
import dev.ferry.spi.SourceKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.IntConsumer;

/**
 * The checked pieces of a file while it transfers, read from the file being written, for source
 * providers that serve others ({@link LocalCopy}). Only a whole file written at its remote offsets
 * without a content transform qualifies: elsewhere the bytes on disk are not the remote bytes the
 * check describes. Closed when the transfer ends, after which it holds nothing.
 */
public final class TransferredPieces implements LocalCopy, AutoCloseable {
  private final FileState state;
  private final Path file;
  private final boolean transformed;
  private FileChannel channel;
  private boolean closed;

  private TransferredPieces(FileState state, Path file, boolean transformed) {
    this.state = state;
    this.file = file;
    this.transformed = transformed;
  }

  /** The copy of a file transferring with {@code settings} into its target. */
  public static TransferredPieces of(FileState state, FileTransfer.Settings settings) {
    return new TransferredPieces(state, settings.target(), settings.transform() != null);
  }

  private boolean qualifies() {
    return !transformed && state.hasCheck() && (state.ranges().isEmpty() || state.inPlace());
  }

  @Override
  public void whenGained(IntConsumer listener) {
    state.whenAccepted(piece -> {
      if (qualifies()) {
        listener.accept(piece);
      }
    });
  }

  @Override
  public boolean has(int piece) {
    synchronized (this) {
      if (closed) {
        return false;
      }
    }
    return qualifies() && state.hasDone(piece);
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    FileChannel in;
    synchronized (this) {
      if (closed) {
        throw new IOException("the transfer of " + file.getFileName() + " ended");
      }
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      }
      in = channel;
    }
    long at = offset;
    while (dst.hasRemaining()) {
      int n = in.read(dst, at);
      if (n < 0) {
        throw new IOException(file.getFileName() + " ends before " + at);
      }
      at += n;
    }
  }

  @Override
  public void served(SourceKind kind, long bytes) {
    state.addUploaded(kind, bytes);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Read-only: nothing is lost.
      }
      channel = null;
    }
  }
}
