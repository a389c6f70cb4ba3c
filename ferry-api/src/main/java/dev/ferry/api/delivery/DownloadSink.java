package dev.ferry.api.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Where a download's bytes go instead of a file: DO's StreamInterface / DownloadSinkInterface.
 * Ferry calls {@link #write} from one thread at a time, in increasing offset order within each
 * requested range, with each byte once; offsets are those of the remote file. A sink lives in the
 * caller's process, so a download that uses one is volatile: it does not survive a restart of the
 * engine.
 */
@FunctionalInterface
public interface DownloadSink {
  void write(long offset, ByteBuffer bytes) throws IOException;

  /** A sink that appends everything to {@code out}, ignoring offsets. */
  static DownloadSink of(OutputStream out) {
    return (offset, bytes) -> {
      if (bytes.hasArray()) {
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        bytes.position(bytes.limit());
      } else {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        out.write(copy);
      }
    };
  }
}
