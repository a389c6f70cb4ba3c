package dev.ferry.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Puts a {@link Reply} on the wire with blocking writes, which is cheap on the virtual threads the
 * origin runs handlers on and keeps pacing and aborts straightforward.
 */
final class ReplyWriter {

  /** Bytes per write: large enough for hundreds of MB/s, small enough to keep memory flat. */
  static final int CHUNK = 64 * 1024;

  /** Writes per second when throttling, so a slow drip is smooth rather than bursty. */
  private static final int THROTTLE_STEPS_PER_SECOND = 20;

  private final Request request;
  private final Response response;
  private final LongConsumer served;
  private final BooleanSupplier stopping;

  /**
   * @param served told the count of body bytes after each write that reached the socket
   * @param stopping holds once the origin is closing, to cut pauses short
   */
  ReplyWriter(Request request, Response response, LongConsumer served, BooleanSupplier stopping) {
    this.request = request;
    this.response = response;
    this.served = served;
    this.stopping = stopping;
  }

  /** Sends {@code reply} and completes {@code callback} however the exchange ends. */
  void send(Reply reply, Callback callback) {
    try {
      Delivery delivery = reply.delivery();
      response.setStatus(reply.status());
      response.getHeaders().add(reply.headers());
      if (reply.announceLength()) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length());
      }
      if (delivery.ending() == Delivery.Ending.RESET) {
        Wire.keepSendQueueShort(request);
      }
      // Headers go out on their own so a stall or an abort comes after the client has them, and
      // so that Jetty frames the body as chunked when no length is announced.
      write(false, BufferUtil.EMPTY_BUFFER);
      boolean head = HttpMethod.HEAD.is(request.getMethod());
      stream(reply.body(), head ? 0 : delivery.limit(), delivery.bytesPerSecond());
      Wire.pause(request, delivery.pause(), stopping);
      sendGarbage(delivery.garbage());
      switch (delivery.ending()) {
        case COMPLETE -> response.write(true, BufferUtil.EMPTY_BUFFER, callback);
        case RESET -> {
          Wire.reset(request);
          abort(callback, "reset injected");
        }
        case CLOSE -> {
          Wire.close(request);
          abort(callback, "close injected");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } catch (Throwable failure) {
      callback.failed(failure);
    }
  }

  private void stream(Body body, long limit, long bytesPerSecond)
      throws IOException, InterruptedException {
    long count = Math.min(body.length(), limit);
    int chunkSize =
        bytesPerSecond > 0
            ? Math.clamp(bytesPerSecond / THROTTLE_STEPS_PER_SECOND, 1, CHUNK)
            : CHUNK;
    byte[] chunk = new byte[(int) Math.min(count, chunkSize)];
    long start = System.nanoTime();
    for (long sent = 0; sent < count; ) {
      if (bytesPerSecond > 0) {
        sleepUntil(start + (long) (sent * 1e9 / bytesPerSecond));
      }
      int n = (int) Math.min(chunk.length, count - sent);
      body.content().read(body.offset() + sent, chunk, 0, n);
      write(false, ByteBuffer.wrap(chunk, 0, n));
      served.accept(n);
      sent += n;
    }
  }

  private void sendGarbage(long count) throws IOException {
    byte[] garbage = new byte[(int) Math.min(count, CHUNK)];
    Arrays.fill(garbage, (byte) 'X');
    for (long sent = 0; sent < count; ) {
      int n = (int) Math.min(garbage.length, count - sent);
      Wire.writeRaw(request, ByteBuffer.wrap(garbage, 0, n));
      served.accept(n);
      sent += n;
    }
  }

  private void write(boolean last, ByteBuffer bytes) throws IOException {
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(last, bytes, written);
      written.block();
    }
  }

  private static void abort(Callback callback, String why) {
    // EofException is one Jetty treats as an expected disconnect and does not log as an error.
    callback.failed(new EofException(why));
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }
}
