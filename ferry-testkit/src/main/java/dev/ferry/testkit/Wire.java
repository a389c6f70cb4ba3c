package dev.ferry.testkit;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Blocker;

/**
 * Socket-level misbehaviour beneath Jetty's HTTP layer, which would otherwise refuse to break the
 * protocol.
 */
final class Wire {

  private static final Duration POLL = Duration.ofMillis(50);

  /**
   * A reset throws away whatever still sits in the send queue, so the body bytes a fault promised
   * get this long to drain first, and {@link #keepSendQueueShort} keeps the queue small enough for
   * that. A client that is not reading at all still loses them, as it would in real life.
   */
  private static final Duration RESET_GRACE = Duration.ofMillis(100);

  private static final int SHORT_SEND_QUEUE = 64 * 1024;

  private Wire() {}

  /** Shrinks the kernel send buffer of a connection that is going to be {@link #reset}. */
  static void keepSendQueueShort(Request request) throws IOException {
    if (endPoint(request).getTransport() instanceof SocketChannel channel) {
      channel.setOption(StandardSocketOptions.SO_SNDBUF, SHORT_SEND_QUEUE);
    }
  }

  /** Aborts the connection with a TCP RST rather than an orderly FIN. */
  static void reset(Request request) throws InterruptedException {
    Thread.sleep(RESET_GRACE);
    EndPoint endPoint = endPoint(request);
    if (endPoint.getTransport() instanceof SocketChannel channel) {
      try {
        // A zero linger time makes close() send RST, which is how real peers abort.
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        // Already broken: closing below is all that is left to do.
      }
    }
    endPoint.close();
  }

  /** Closes the connection in an orderly way: bytes already written still reach the client. */
  static void close(Request request) {
    endPoint(request).close();
  }

  /** Writes {@code bytes} to the socket behind Jetty's back, bypassing HTTP framing. */
  static void writeRaw(Request request, ByteBuffer bytes) throws IOException {
    try (Blocker.Callback written = Blocker.callback()) {
      endPoint(request).write(written, bytes);
      written.block();
    }
  }

  /**
   * Waits for {@code duration}, returning early once the client has gone or {@code stop} holds.
   *
   * <p>Only for connections about to be aborted: noticing the client leave means reading the
   * socket, and whatever the client sent meanwhile is thrown away.
   */
  static void pause(Request request, Duration duration, BooleanSupplier stop)
      throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    ByteBuffer sink = ByteBuffer.allocate(512);
    for (long left; (left = deadline - System.nanoTime()) > 0 && !stop.getAsBoolean(); ) {
      if (clientGone(request, sink)) {
        return;
      }
      Thread.sleep(Duration.ofNanos(Math.min(left, POLL.toNanos())));
    }
  }

  private static boolean clientGone(Request request, ByteBuffer sink) {
    if (!(endPoint(request).getTransport() instanceof SocketChannel channel)) {
      return false;
    }
    try {
      sink.clear();
      // Jetty keeps the channel non-blocking, so this read returns at once instead of waiting.
      return channel.read(sink) < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private static EndPoint endPoint(Request request) {
    return request.getConnectionMetaData().getConnection().getEndPoint();
  }
}
