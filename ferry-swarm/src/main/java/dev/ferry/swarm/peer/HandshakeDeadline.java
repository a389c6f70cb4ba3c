package dev.ferry.swarm.peer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * A socket's input for the length of an incoming handshake, which must be over by a deadline: each
 * read waits only for what is left of the time. A read timeout alone would let a peer that sends a
 * byte every few seconds hold a connection slot for as long as it likes.
 */
final class HandshakeDeadline extends FilterInputStream {
  private final Socket socket;
  private final long deadline;

  HandshakeDeadline(Socket socket, int millis) throws IOException {
    super(socket.getInputStream());
    this.socket = socket;
    this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Override
  public int read() throws IOException {
    armTimeout();
    return in.read();
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    armTimeout();
    return in.read(bytes, offset, length);
  }

  private void armTimeout() throws IOException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException("the handshake took too long");
    }
    socket.setSoTimeout((int) left);
  }
}
