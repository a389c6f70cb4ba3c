package dev.ferry.swarm.tracker;

import dev.ferry.swarm.bencode.BValue;
import dev.ferry.swarm.bencode.Bencoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP tracker in the test, on a real socket on 127.0.0.1: it records each request's target and
 * answers as the test's {@link Responder} says, raw bytes and all, so that it can answer as no
 * well-behaved tracker does.
 */
final class FakeHttpTracker implements AutoCloseable {
  /** Writes the whole HTTP answer (status line, headers, body) to a request for {@code target}. */
  interface Responder {
    void respond(String target, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final List<Query> requests = new CopyOnWriteArrayList<>();
  private volatile Responder responder;

  FakeHttpTracker(Responder responder) throws IOException {
    this.responder = responder;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("fake-http-tracker").start(this::acceptLoop);
  }

  URI announce() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/announce");
  }

  List<Query> requests() {
    return requests;
  }

  void respondWith(Responder other) {
    responder = other;
  }

  /** A 200 answer with {@code body} bencoded. */
  static Responder bencoded(BValue body) {
    return raw(200, Bencoder.encode(body));
  }

  static Responder raw(int status, byte[] body) {
    return (target, out) -> {
      out.write(
          ("HTTP/1.1 "
                  + status
                  + " X\r\nContent-Type: text/plain\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
    };
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      String head = readHead(socket.getInputStream());
      String target = head.split(" ")[1];
      requests.add(Query.parse(target));
      OutputStream out = socket.getOutputStream();
      responder.respond(target, out);
      out.flush();
    } catch (IOException | RuntimeException gone) {
      // the client hung up, as it should on a hostile answer
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int c = in.read();
      if (c < 0 || head.size() > 64 * 1024) {
        throw new IOException("no request head");
      }
      head.write(c);
      matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
