package dev.ferry.engine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A cache host for tests, on loopback: it answers the cache form of a URL
 * (dev.ferry.cache.CacheUrl) for the origin hosts it allows (403 for others), with the bytes it was
 * given for a path and the origin's validators, which it asks the origin for with HEAD (no body
 * crosses from the origin). It can be told to spoil some bytes, as a broken cache would.
 */
final class TestCache implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final Server server;
  private final String allowed;
  private final java.util.function.IntSupplier originPort;
  private final Map<String, byte[]> held = new ConcurrentHashMap<>();
  private final List<String> queries = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private volatile long[] spoiled = {};
  private volatile long breakAfter = -1;

  /**
   * @param originPort the port of the origin on loopback, which the cache asks for validators
   * @param allowed the one origin host it serves
   */
  TestCache(java.util.function.IntSupplier originPort, String allowed) throws Exception {
    this.originPort = originPort;
    this.allowed = allowed;
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            serve(request, response, callback);
            return true;
          }
        });
    server.start();
  }

  /** {@code 127.0.0.1:PORT}, a cache host entry. */
  String host() {
    return "127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Holds {@code bytes} for {@code path}, as a cache that fetched them before. */
  void hold(String path, byte[] bytes) {
    held.put(path, bytes);
  }

  /** Sends a wrong byte at each of these remote offsets from now on. */
  void spoil(long... offsets) {
    spoiled = offsets.clone();
  }

  /**
   * From now on breaks off every body after {@code bytes} bytes (announcing them all), as a cache
   * that falls over mid-transfer would; -1 no longer.
   */
  void breakOffAfter(long bytes) {
    breakAfter = bytes;
  }

  /** The query of every request, oldest first. */
  List<String> queries() {
    return queries;
  }

  private void serve(Request request, Response response, Callback callback) throws Exception {
    String path = request.getHttpURI().getDecodedPath();
    String query = request.getHttpURI().getQuery();
    queries.add(query == null ? "" : query);
    byte[] bytes = held.get(path);
    if (query == null || !query.endsWith("cacheHostOrigin=" + allowed) || bytes == null) {
      response.setStatus(query != null && query.contains("cacheHostOrigin=") ? 403 : 404);
      response.write(true, ByteBuffer.allocate(0), callback);
      return;
    }
    HttpResponse<Void> head =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + originPort.getAsInt() + path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    head.headers().firstValue("ETag").ifPresent(v -> response.getHeaders().put("ETag", v));
    head.headers()
        .firstValue("Last-Modified")
        .ifPresent(v -> response.getHeaders().put("Last-Modified", v));
    long start = 0;
    long end = bytes.length - 1;
    String range = request.getHeaders().get("Range");
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (m != null && m.matches()) {
      start = Long.parseLong(m.group(1));
      if (!m.group(2).isEmpty()) {
        end = Math.min(end, Long.parseLong(m.group(2)));
      }
      response.setStatus(206);
      response.getHeaders().put("Content-Range", "bytes " + start + "-" + end + "/" + bytes.length);
    } else {
      response.setStatus(200);
    }
    byte[] body = java.util.Arrays.copyOfRange(bytes, (int) start, (int) end + 1);
    for (long spoil : spoiled) {
      if (spoil >= start && spoil <= end) {
        body[(int) (spoil - start)] ^= 0x5a;
      }
    }
    response.getHeaders().put("Content-Length", body.length);
    long cut = breakAfter;
    if (cut >= 0 && cut < body.length) {
      var sent = new org.eclipse.jetty.util.Callback.Completable();
      response.write(false, ByteBuffer.wrap(body, 0, (int) cut), sent);
      sent.get();
      // Failing the request's callback after a committed response makes Jetty drop the connection.
      callback.failed(new java.io.IOException("the test cache broke off"));
      return;
    }
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
