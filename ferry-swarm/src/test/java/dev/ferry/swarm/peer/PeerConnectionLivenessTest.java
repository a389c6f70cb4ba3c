package dev.ferry.swarm.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireLimits;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alives and silence, which the connection judges when its owner asks ({@link
 * PeerConnection#checkLiveness}) rather than by a socket read timeout: a {@link PeerConnection} on
 * one end of a loopback socket, raw bytes on the other. Times are given to the check, so nothing
 * here waits for a minute to pass.
 */
class PeerConnectionLivenessTest {
  private ServerSocket server;
  private Socket raw;
  private Socket ours;
  private PeerConnection connection;
  private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  private final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();

  @BeforeEach
  void connect() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    ours = new Socket();
    ours.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
    raw = server.accept();
    raw.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
    // As PeerHandshake leaves it: a read timeout for the handshake.
    ours.setSoTimeout(PeerHandshake.TIMEOUT_MILLIS);
    byte[] infoHash = new byte[Handshake.INFO_HASH_SIZE];
    connection =
        new PeerConnection(
            PeerSocket.plain(ours),
            new Handshake(Reserved.FERRY, infoHash, PeerId.random()),
            new Handshake(Reserved.FERRY, infoHash, PeerId.random()),
            WireLimits.forPieces(8),
            new NoUploads());
    connection.start(
        new PeerConnection.Listener() {
          @Override
          public void received(PeerConnection c, Message message) {
            received.add(message);
          }

          @Override
          public void closed(PeerConnection c, Throwable cause) {
            closed.complete(cause);
          }
        });
  }

  @AfterEach
  void close() throws IOException {
    connection.close();
    raw.close();
    server.close();
  }

  @Test
  void aSilentPeerIsDisconnectedWhenTheCheckFindsItSilent() throws Exception {
    long start = System.nanoTime();
    connection.checkLiveness(start);
    assertFalse(connection.isClosed());

    connection.checkLiveness(start + PeerConnection.SILENCE_NANOS);

    assertTrue(connection.isClosed());
    assertInstanceOf(SocketTimeoutException.class, closed.get(10, TimeUnit.SECONDS));
    assertEquals(-1, raw.getInputStream().read(), "the peer's end sees the connection end");
  }

  @Test
  void bytesFromThePeerPutSilenceOff() throws Exception {
    long before = System.nanoTime();
    raw.getOutputStream().write(MessageCodec.encode(Message.Signal.INTERESTED));
    assertEquals(Message.Signal.INTERESTED, received.poll(10, TimeUnit.SECONDS));

    // Silent since the connection was made, not since the message came.
    connection.checkLiveness(before + PeerConnection.SILENCE_NANOS - 1);

    assertFalse(connection.isClosed());
  }

  @Test
  void aKeepAliveGoesOutWhenNothingWasSentForAMinute() throws Exception {
    connection.checkLiveness(System.nanoTime() + PeerConnection.KEEP_ALIVE_NANOS);

    byte[] keepAlive = new byte[4];
    new DataInputStream(raw.getInputStream()).readFully(keepAlive);
    assertArrayEquals(MessageCodec.encode(Message.Signal.KEEP_ALIVE), keepAlive);
    assertFalse(connection.isClosed());
  }

  @Test
  void theHandshakesReadTimeoutDoesNotOutliveIt() throws Exception {
    // Past the handshake's timeout the reader still waits: silence is the check's to judge.
    assertEquals(0, ours.getSoTimeout());
  }

  /** Serves nothing: these tests send no requests. */
  private static final class NoUploads implements PeerConnection.Uploads {
    @Override
    public ByteBuffer block(PeerConnection c, BlockRef block) {
      return null;
    }

    @Override
    public void pace(int bytes) {}

    @Override
    public void sent(PeerConnection c, int bytes) {}

    @Override
    public String toString() {
      return "no uploads";
    }
  }
}
