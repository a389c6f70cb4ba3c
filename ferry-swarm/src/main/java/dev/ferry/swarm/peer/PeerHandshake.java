package dev.ferry.swarm.peer;

import dev.ferry.swarm.mse.CryptoMethod;
import dev.ferry.swarm.mse.Negotiated;
import dev.ferry.swarm.mse.ObfuscatedHandshake;
import dev.ferry.swarm.mse.StreamKeys;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.WireException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * BEP 3's handshake on a socket, both ways, within {@link #TIMEOUT_MILLIS}: the caller connects (or
 * accepts), sends or reads first as its side requires, and gets the peer's handshake. Exactly 68
 * bytes are read, so the messages after it stay in the socket for the connection's reader.
 *
 * <p>An incoming connection may open with MSE's obfuscated handshake instead ({@link
 * #readIncoming}), as libtorrent's do by default; outgoing ones are plain.
 */
public final class PeerHandshake {
  /** How long connecting and each side's handshake may take. */
  public static final int TIMEOUT_MILLIS = 10_000;

  /** Enough of the handshake to tell another protocol: the length byte and the protocol name. */
  private static final int PROTOCOL_PREFIX = 20;

  /** A plain handshake's first 20 bytes; anything else on an accepted socket is taken for MSE. */
  private static final byte[] PLAIN_PREFIX =
      ((char) Handshake.PROTOCOL.length() + Handshake.PROTOCOL).getBytes(StandardCharsets.US_ASCII);

  /**
   * An incoming connection's BitTorrent handshake and the streams the connection goes on with;
   * {@code obfuscation} is what MSE selected, null when the peer spoke plain text from the start.
   */
  public record Incoming(PeerSocket socket, Handshake handshake, CryptoMethod obfuscation) {}

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
    send(socket.getOutputStream(), ours);
  }

  public static void send(PeerSocket socket, Handshake ours) throws IOException {
    send(socket.out(), ours);
  }

  /** Reads the peer's handshake, refusing another protocol from its first 20 bytes. */
  public static Handshake read(Socket socket) throws IOException {
    return read(socket.getInputStream());
  }

  /**
   * Reads an accepted connection's handshake, all of it within {@link #TIMEOUT_MILLIS}: a plain
   * one, or MSE's first (when the first 20 bytes are not a plain handshake's) and then the
   * BitTorrent handshake it carries, which must name the torrent of the stream key that {@code
   * keys} found. Call {@link #accepted} first.
   */
  public static Incoming readIncoming(Socket socket, StreamKeys keys) throws IOException {
    InputStream in = new HandshakeDeadline(socket, TIMEOUT_MILLIS);
    byte[] first = new byte[PROTOCOL_PREFIX];
    readFully(in, first, 0, PROTOCOL_PREFIX);
    if (Arrays.equals(first, PLAIN_PREFIX)) {
      return new Incoming(PeerSocket.plain(socket), readAfter(first, in), null);
    }
    Negotiated mse = ObfuscatedHandshake.respond(in, socket.getOutputStream(), first, keys);
    Handshake theirs = read(mse.input(in));
    if (!Arrays.equals(theirs.infoHash(), mse.streamKey())) {
      throw new WireException("the handshake names another torrent than MSE's stream key");
    }
    PeerSocket streams =
        new PeerSocket(
            socket, mse.input(socket.getInputStream()), mse.output(socket.getOutputStream()));
    return new Incoming(streams, theirs, mse.method());
  }

  private static void send(OutputStream out, Handshake ours) throws IOException {
    out.write(ours.encode());
    out.flush();
  }

  private static Handshake read(InputStream in) throws IOException {
    byte[] first = new byte[PROTOCOL_PREFIX];
    readFully(in, first, 0, PROTOCOL_PREFIX);
    return readAfter(first, in);
  }

  /** The handshake whose first 20 bytes were {@code first}; refuses another protocol by them. */
  private static Handshake readAfter(byte[] first, InputStream in) throws IOException {
    Handshake.decode(ByteBuffer.wrap(first));
    byte[] bytes = Arrays.copyOf(first, Handshake.SIZE);
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
