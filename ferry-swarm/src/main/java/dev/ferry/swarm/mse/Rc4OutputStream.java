package dev.ferry.swarm.mse;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Encrypts what it writes into a buffer of its own: the caller's bytes (a served block may be a
 * piece's cached array) are never changed.
 */
final class Rc4OutputStream extends FilterOutputStream {
  private static final int CHUNK = 16 * 1024;

  private final Rc4 rc4;
  private final byte[] buffer = new byte[CHUNK];

  Rc4OutputStream(OutputStream out, Rc4 rc4) {
    super(out);
    this.rc4 = rc4;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      int n = Math.min(length, CHUNK);
      rc4.apply(bytes, offset, n, buffer, 0);
      out.write(buffer, 0, n);
      offset += n;
      length -= n;
    }
  }
}
