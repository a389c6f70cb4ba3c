package dev.ferry.swarm.peer;

import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.WireException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * BEP 3's handshake on a socket, both ways, within {@link #TIMEOUT_MILLIS}: the caller connects (or
 * accepts), sends or reads first as its side requires, and gets the peer's handshake. Exactly 68
 * bytes are read, so the messages after it stay in the socket for the connection's reader.
 */
public final class PeerHandshake {
  /** How long connecting and each side's handshake may take. */
  public static final int TIMEOUT_MILLIS = 10_000;

  /** Enough of the handshake to tell another protocol: the length byte and the protocol name. */
  private static final int PROTOCOL_PREFIX = 20;

  private PeerHandshake() {}

  /** Connects to {@code address} within the timeout; the caller sends first. */
  public static Socket connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Prepares an accepted socket for its handshake. */
  public static void accepted(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(TIMEOUT_MILLIS);
  }

  public static void send(Socket socket, Handshake ours) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(ours.encode());
    out.flush();
  }

  /** Reads the peer's handshake, refusing another protocol from its first 20 bytes. */
  public static Handshake read(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] bytes = new byte[Handshake.SIZE];
    readFully(in, bytes, 0, PROTOCOL_PREFIX);
    Handshake.decode(ByteBuffer.wrap(bytes, 0, PROTOCOL_PREFIX));
    readFully(in, bytes, PROTOCOL_PREFIX, Handshake.SIZE - PROTOCOL_PREFIX);
    Handshake handshake = Handshake.decode(ByteBuffer.wrap(bytes));
    if (handshake == null) {
      throw new WireException("short handshake");
    }
    return handshake;
  }

  private static void readFully(InputStream in, byte[] into, int at, int length)
      throws IOException {
    int n = in.readNBytes(into, at, length);
    if (n < length) {
      throw new EOFException("the peer closed the connection during the handshake");
    }
  }
}
