package dev.ferry.swarm.mse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Decrypts what it reads; buffers nothing, so the keystream stays at the bytes read. */
final class Rc4InputStream extends FilterInputStream {
  private final Rc4 rc4;

  Rc4InputStream(InputStream in, Rc4 rc4) {
    super(in);
    this.rc4 = rc4;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    int n = in.read(bytes, offset, length);
    if (n > 0) {
      rc4.apply(bytes, offset, n);
    }
    return n;
  }

  /** Skipped bytes still advance the keystream: read and dropped. */
  @Override
  public long skip(long n) throws IOException {
    byte[] dropped = new byte[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int got = read(dropped, 0, (int) Math.min(n - skipped, dropped.length));
      if (got < 0) {
        break;
      }
      skipped += got;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int limit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}
