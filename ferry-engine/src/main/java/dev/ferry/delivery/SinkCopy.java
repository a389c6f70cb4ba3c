package dev.ferry.delivery;

import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.engine.piece.Span;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Hands a caller's sink the staged bytes of one span, in order, in bounded chunks. */
final class SinkCopy {
  private static final int CHUNK = 256 * 1024;

  private SinkCopy() {}

  /** Staged files keep every byte at its remote offset, so {@code span} is both. */
  static void copy(FileChannel staged, DownloadSink sink, Span span) throws IOException {
    long position = span.start();
    while (position < span.end()) {
      ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, span.end() - position));
      while (chunk.hasRemaining()) {
        if (staged.read(chunk, position + chunk.position()) < 0) {
          throw new IOException("the staged file ended at " + (position + chunk.position()));
        }
      }
      chunk.flip();
      int length = chunk.limit();
      sink.write(position, chunk);
      position += length;
    }
  }
}
