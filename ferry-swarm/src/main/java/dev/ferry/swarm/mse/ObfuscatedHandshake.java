package dev.ferry.swarm.mse;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/** Runs an {@link MseResponder} over a connection's blocking streams. */
public final class ObfuscatedHandshake {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ObfuscatedHandshake() {}

  /**
   * Answers the initiator whose first bytes, {@code first}, were already read from {@code in} (they
   * showed it was not a plain BitTorrent handshake); reads no byte beyond the handshake. {@code in}
   * should bound the time it takes: the reads here block.
   */
  public static Negotiated respond(InputStream in, OutputStream out, byte[] first, StreamKeys keys)
      throws IOException {
    return respond(in, out, first, keys, RANDOM);
  }

  static Negotiated respond(
      InputStream in, OutputStream out, byte[] first, StreamKeys keys, RandomGenerator random)
      throws IOException {
    MseResponder responder = new MseResponder(keys, random);
    send(out, responder.receive(first, 0, first.length));
    byte[] buffer = new byte[1024];
    while (!responder.done()) {
      int n = in.read(buffer, 0, Math.min(responder.wanted(), buffer.length));
      if (n < 0) {
        throw new EOFException("the peer closed the connection during MSE's handshake");
      }
      send(out, responder.receive(buffer, 0, n));
    }
    return responder.negotiated();
  }

  private static void send(OutputStream out, byte[] bytes) throws IOException {
    if (bytes.length > 0) {
      out.write(bytes);
      out.flush();
    }
  }
}
