package dev.ferry.swarm.peer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A peer's socket and the streams its BitTorrent messages go through: the socket's own, or (after
 * MSE's handshake) ones that replay its initial payload and decrypt and encrypt with RC4. The
 * socket is still what is closed, timed out and named by its address.
 */
public record PeerSocket(Socket socket, InputStream in, OutputStream out) {
  /** The socket with its own streams. */
  public static PeerSocket plain(Socket socket) throws IOException {
    return new PeerSocket(socket, socket.getInputStream(), socket.getOutputStream());
  }
}
