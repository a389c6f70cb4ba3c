package dev.ferry.daemon.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 written byte by byte. A real client (Apache's, the JDK's) refuses to send most of what a
 * fuzzer makes: raw control bytes in the target, invalid methods, header names with spaces. This
 * one sends exactly the bytes it is given, one connection per request, and reads the answer until
 * the end of its body (or, for an event stream, just its head).
 */
final class RawHttp {
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raw-http-watchdog");
        t.setDaemon(true);
        return t;
      });

  /** How long one exchange may take before it counts as a hang of the daemon. */
  static final long TIMEOUT_SECONDS = 30;

  private final SocketAddress address;

  private RawHttp(SocketAddress address) {
    this.address = address;
  }

  static RawHttp unix(Path socket) {
    return new RawHttp(UnixDomainSocketAddress.of(socket));
  }

  static RawHttp tcp(int port) {
    return new RawHttp(new InetSocketAddress("127.0.0.1", port));
  }

  record Response(int status, List<String> headers, byte[] body) {
    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return headers.stream()
          .filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
          .map(h -> h.substring(prefix.length()).strip())
          .findFirst()
          .orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      String text = text();
      return status + " " + headers + " " + (text.length() > 2000 ? text.substring(0, 2000) : text);
    }
  }

  /** A request with the usual framing: Host, Connection: close and Content-Length when a body. */
  static byte[] request(String method, String target, List<String> headers, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: localhost\r\nConnection: close\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  Response send(String method, String target, List<String> headers, byte[] body) {
    return exchange(request(method, target, headers, body));
  }

  /**
   * Sends {@code bytes} and reads one response. A connection the daemon closes without answering
   * (it may, for garbage that is not HTTP) is status 0.
   */
  Response exchange(byte[] bytes) {
    try (SocketChannel channel =
        SocketChannel.open(
            address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX
                : StandardProtocolFamily.INET)) {
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                try {
                  channel.close();
                } catch (IOException ignored) {
                  // It is being closed anyway.
                }
              },
              TIMEOUT_SECONDS,
              TimeUnit.SECONDS);
      try {
        channel.connect(address);
        try {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          // Nothing more is coming: a request cut short (headers without their blank line) must
          // get its answer, or a close, now, not when the server's idle timeout ends the wait.
          channel.shutdownOutput();
        } catch (IOException refusedMidway) {
          // The daemon may answer (413, 431) and close before reading a huge request to its end.
        }
        Response response = read(channel);
        if (!watchdog.cancel(false)) {
          throw new AssertionError("no answer within " + TIMEOUT_SECONDS + " s: the daemon hangs");
        }
        return response == null ? new Response(0, List.of(), new byte[0]) : response;
      } finally {
        watchdog.cancel(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the daemon at " + address, e);
    }
  }

  private static Response read(SocketChannel channel) {
    Reader in = new Reader(channel);
    String statusLine = in.line();
    if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
      return null;
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    List<String> headers = new ArrayList<>();
    for (String line; (line = in.line()) != null && !line.isEmpty(); ) {
      headers.add(line);
    }
    Response head = new Response(status, headers, new byte[0]);
    String type = head.header("Content-Type");
    if (type != null && type.startsWith("text/event-stream")) {
      return head;
    }
    String length = head.header("Content-Length");
    String encoding = head.header("Transfer-Encoding");
    byte[] body;
    if (encoding != null && encoding.equalsIgnoreCase("chunked")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String size; (size = in.line()) != null; ) {
        int n = Integer.parseInt(size.strip().split(";")[0], 16);
        if (n == 0) {
          break;
        }
        out.writeBytes(in.bytes(n));
        in.line();
      }
      body = out.toByteArray();
    } else if (length != null) {
      body = in.bytes(Integer.parseInt(length));
    } else {
      body = in.rest();
    }
    return new Response(status, headers, body);
  }

  /** Buffered reads from a blocking channel; end of stream or a closed channel ends the data. */
  private static final class Reader {
    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).flip();

    Reader(SocketChannel channel) {
      this.channel = channel;
    }

    private boolean fill() {
      buffer.compact();
      try {
        int n = channel.read(buffer);
        return n > 0;
      } catch (IOException e) {
        return false;
      } finally {
        buffer.flip();
      }
    }

    String line() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        if (!buffer.hasRemaining() && !fill()) {
          return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
        }
        byte b = buffer.get();
        if (b == '\n') {
          String line = out.toString(StandardCharsets.ISO_8859_1);
          return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }
        out.write(b);
      }
    }

    byte[] bytes(int n) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (out.size() < n) {
        if (!buffer.hasRemaining() && !fill()) {
          break;
        }
        int take = Math.min(n - out.size(), buffer.remaining());
        byte[] chunk = new byte[take];
        buffer.get(chunk);
        out.writeBytes(chunk);
      }
      return out.toByteArray();
    }

    byte[] rest() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (buffer.hasRemaining() || fill()) {
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        out.writeBytes(chunk);
      }
      return out.toByteArray();
    }
  }
}
