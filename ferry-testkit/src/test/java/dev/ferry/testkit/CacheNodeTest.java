package dev.ferry.testkit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * dist/cache-node's nginx configuration, run by scripts/cache-node through {@link CacheNode},
 * against {@link TestOrigin}: what it fetches, what it caches and whom it refuses. Each test uses
 * paths of its own, so that one node serves them all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheNodeTest {

  private static final Duration GENEROUS = Duration.ofSeconds(20);
  private static final int SLICE = 64 * 1024;
  // Seventeen slices, the last one short.
  private static final int SIZE = 16 * SLICE + 12_345;

  TestOrigin origin;
  CacheNode node;
  HttpClient client;

  @BeforeAll
  void start() {
    origin = TestOrigin.start();
    node = CacheNode.allowing("127.0.0.1:" + origin.port()).slice("64k").size("64m").start();
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(GENEROUS)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  void answersTheHealthPathItself() throws Exception {
    HttpResponse<byte[]> response = get(node.uri(CacheNode.HEALTH_PATH));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("image/gif");
    assertThat(new String(response.body(), 0, 6, ISO_8859_1)).startsWith("GIF8");
  }

  @Test
  void rangesAreByteExactFromAColdAndAWarmCache() throws Exception {
    Content content = Content.random(SIZE, 11);
    origin.put("/ranges.bin", content);
    URI uri = node.uri("/ranges.bin", origin);
    List<long[]> ranges =
        List.of(
            new long[] {0, 99}, // the first bytes
            new long[] {SLICE - 100, SLICE + 99}, // across a slice boundary
            new long[] {3L * SLICE - 1, 6L * SLICE}, // across several
            new long[] {SIZE - 1, SIZE - 1}); // the last byte

    for (String pass : List.of("cold", "warm")) {
      for (long[] r : ranges) {
        HttpResponse<byte[]> response = get(uri, "Range", "bytes=" + r[0] + "-" + r[1]);
        assertThat(response.statusCode()).as(pass + " " + r[0] + "-" + r[1]).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range"))
            .hasValue("bytes " + r[0] + "-" + r[1] + "/" + SIZE);
        assertThat(response.body())
            .as(pass + " " + r[0] + "-" + r[1])
            .isEqualTo(content.slice(r[0], (int) (r[1] - r[0] + 1)));
      }
      long from = SIZE - 2L * SLICE - 7;
      HttpResponse<byte[]> open = get(uri, "Range", "bytes=" + from + "-");
      assertThat(open.statusCode()).as(pass + " open-ended").isEqualTo(206);
      assertThat(open.headers().firstValue("Content-Range"))
          .hasValue("bytes " + from + "-" + (SIZE - 1) + "/" + SIZE);
      assertThat(open.body()).isEqualTo(content.slice(from, (int) (SIZE - from)));
      HttpResponse<byte[]> suffix = get(uri, "Range", "bytes=-1000");
      assertThat(suffix.statusCode()).isEqualTo(206);
      assertThat(suffix.body()).isEqualTo(content.slice(SIZE - 1000, 1000));

      HttpResponse<byte[]> whole = get(uri);
      assertThat(whole.statusCode()).as(pass + " whole").isEqualTo(200);
      assertThat(whole.headers().firstValue("Content-Length")).hasValue(String.valueOf(SIZE));
      assertThat(TestFiles.sha256(whole.body())).isEqualTo(content.sha256());
    }
    // The origin was asked for slices only, each a whole one.
    assertThat(origin.requests("/ranges.bin"))
        .allSatisfy(r -> assertThat(r.range()).get().asString().matches("bytes=\\d+-\\d+"));
  }

  @Test
  void aSecondDownloadComesFromTheCache() throws Exception {
    Content content = Content.random(SIZE, 12);
    origin.put("/twice.bin", content);
    URI uri = node.uri("/twice.bin", origin);

    HttpResponse<byte[]> first = get(uri);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(TestFiles.sha256(first.body())).isEqualTo(content.sha256());
    await().atMost(GENEROUS).until(() -> origin.bytesServed("/twice.bin") >= SIZE);
    long afterFirst = origin.bytesServed("/twice.bin");
    int requestsAfterFirst = origin.requests("/twice.bin").size();

    HttpResponse<byte[]> second = get(uri);

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(TestFiles.sha256(second.body())).isEqualTo(content.sha256());
    assertThat(second.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(afterFirst).as("bytes from the origin").isEqualTo(SIZE);
    assertThat(origin.bytesServed("/twice.bin")).isEqualTo(afterFirst);
    assertThat(origin.requests("/twice.bin")).hasSize(requestsAfterFirst);
  }

  @Test
  void clientsAtOnceCostTheOriginTheFileOnce() throws Exception {
    Content content = Content.random(SIZE, 13);
    origin.put("/crowd.bin", content);
    URI uri = node.uri("/crowd.bin", origin);

    List<CompletableFuture<HttpResponse<byte[]>>> downloads = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      downloads.add(
          client.sendAsync(
              HttpRequest.newBuilder(uri).timeout(GENEROUS).build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }

    for (CompletableFuture<HttpResponse<byte[]>> download : downloads) {
      HttpResponse<byte[]> response = download.get();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(TestFiles.sha256(response.body())).isEqualTo(content.sha256());
    }
    // Clients that ask for a slice being fetched wait for that fetch (proxy_cache_lock). The
    // origin counts a write once it has returned, which may be after nginx has the bytes.
    await().atMost(GENEROUS).until(() -> origin.bytesServed("/crowd.bin") >= SIZE);
    assertThat(origin.bytesServed("/crowd.bin")).isEqualTo(SIZE);
  }

  @Test
  void aFileChangedAtTheOriginIsCutShortNotMixed() throws Exception {
    origin.put("/changed.bin", Content.random(SIZE, 16));
    URI uri = node.uri("/changed.bin", origin);
    assertThat(get(uri, "Range", "bytes=0-99").statusCode()).isEqualTo(206);
    // A new version under the same URL, with a new ETag, while the first slice is still fresh.
    Content now = Content.random(SIZE, 17);
    origin.put("/changed.bin", now);

    // The first slice, from the cache, has the old ETag; the next, from the origin, the new one.
    assertThatThrownBy(() -> get(uri)).isInstanceOf(IOException.class);
    assertThat(node.errorLog()).contains("etag mismatch in slice response");
    // Ranges that touch only fetched-again slices are the new version's.
    assertThat(get(uri, "Range", "bytes=" + SLICE + "-" + (SLICE + 99)).body())
        .isEqualTo(now.slice(SLICE, 100));
  }

  @Test
  void headAnswersWithTheFilesLength() throws Exception {
    origin.put("/head.bin", Content.random(SIZE, 15));

    HttpResponse<byte[]> head =
        client.send(
            HttpRequest.newBuilder(node.uri("/head.bin", origin))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(GENEROUS)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(SIZE));
    assertThat(head.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(head.body()).isEmpty();
  }

  @Test
  void withoutNginxATestIsSkippedOrUnderCiFails() {
    CacheNode.require(null, "true");
    assertThatThrownBy(() -> CacheNode.require("nginx is not installed", null))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("nginx is not installed");
    assertThatThrownBy(() -> CacheNode.require("nginx is not installed", "true"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nginx is not installed");
  }

  @Test
  void refusesOriginsNotOnTheAllowList() throws Exception {
    origin.put("/secret.bin", Content.random(1000, 14));
    int otherPort = origin.port() == 65535 ? 65534 : origin.port() + 1;

    for (String query :
        List.of(
            "?cacheHostOrigin=example.invalid",
            "?cacheHostOrigin=127.0.0.1:" + otherPort,
            "?cacheHostOrigin=127.0.0.1",
            "?cacheHostOrigin=",
            "")) {
      HttpResponse<byte[]> response = get(node.uri("/secret.bin" + query));
      assertThat(response.statusCode()).as(query).isEqualTo(403);
    }
    assertThat(origin.requests("/secret.bin")).isEmpty();
  }

  @Test
  void theOriginGetsTheQueryWithoutCacheHostOrigin() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer plain =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    plain.createContext(
        "/",
        exchange -> {
          seen.add(
              exchange.getRequestURI().getRawPath()
                  + " query="
                  + exchange.getRequestURI().getRawQuery()
                  + " host="
                  + exchange.getRequestHeaders().getFirst("Host"));
          byte[] body = "hello".getBytes(ISO_8859_1);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    plain.start();
    String at = "127.0.0.1:" + plain.getAddress().getPort();
    try (CacheNode second = CacheNode.allowing(at).start()) {
      assertThat(get(second.uri("/a%20b/f.cab?x=1&y=%2F&cacheHostOrigin=" + at)).statusCode())
          .isEqualTo(200);
      assertThat(get(second.uri("/f.cab?cacheHostOrigin=" + at.replace(":", "%3A"))).statusCode())
          .isEqualTo(200);
      assertThat(get(second.uri("/g.cab?cacheHostOrigin=" + at + "&z=2")).statusCode())
          .isEqualTo(200);
    } finally {
      plain.stop(0);
    }

    assertThat(seen)
        .containsExactly(
            "/a%20b/f.cab query=x=1&y=%2F host=" + at,
            "/f.cab query=null host=" + at,
            "/g.cab query=z=2 host=" + at);
  }

  @Test
  void theScriptStartsReportsAndStopsANode() throws Exception {
    Path dir = Files.createTempDirectory("ferry-cache-node-script-");
    // As root, nginx's workers run as nobody and must reach the cache below it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      String allow = "127.0.0.1:" + origin.port();
      Result start =
          script(
              "start",
              "--no-install",
              "--dir",
              dir.toString(),
              "--port",
              "" + port,
              "--allow",
              allow);
      assertThat(start.exitCode()).as(start.output()).isZero();
      assertThat(start.output()).contains("listening on http://127.0.0.1:" + port);
      URI health = URI.create("http://127.0.0.1:" + port + CacheNode.HEALTH_PATH);
      await().atMost(GENEROUS).ignoreExceptions().until(() -> get(health).statusCode() == 200);
      Result status = script("status", "--dir", dir.toString());
      assertThat(status.exitCode()).isZero();
      assertThat(status.output()).contains("127.0.0.1:" + port);

      assertThat(script("stop", "--dir", dir.toString()).exitCode()).isZero();

      assertThat(script("status", "--dir", dir.toString()).exitCode()).isEqualTo(3);
      assertThatThrownBy(() -> get(health)).isInstanceOf(IOException.class);
    } finally {
      script("stop", "--dir", dir.toString());
      TestFiles.deleteTree(dir);
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", node().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    return new Result(process.waitFor(), output);
  }

  private static Path node() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/cache-node"))) {
        return dir.resolve("scripts/cache-node");
      }
    }
    throw new IllegalStateException("no scripts/cache-node above " + Path.of("").toAbsolutePath());
  }

  private HttpResponse<byte[]> get(URI uri, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(GENEROUS);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
