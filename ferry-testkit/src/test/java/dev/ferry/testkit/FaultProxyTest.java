package dev.ferry.testkit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy against a real server: what a client receives through each fault, byte for byte and
 * down to how the connection ends, read over raw sockets because an HTTP client hides both.
 */
class FaultProxyTest {

  private static final Content CONTENT = Content.random(200_000, 41);
  private static final Duration GENEROUS = Duration.ofSeconds(10);

  TestOrigin origin;
  FaultProxy proxy;

  @BeforeEach
  void start() {
    origin = TestOrigin.start();
    origin.put("/f", CONTENT);
    proxy = FaultProxy.inFrontOf(origin);
  }

  @AfterEach
  void stop() {
    proxy.close();
    origin.close();
  }

  @Test
  void passThroughForwardsEveryByteOverAKeptAliveConnection() throws Exception {
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<byte[]> response =
            client.send(
                HttpRequest.newBuilder(proxy.uri(origin.uri("/f"))).timeout(GENEROUS).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(CONTENT.bytes());
      }
    }
    assertThat(origin.requests("/f")).hasSize(3);
    assertThat(proxy.connections()).isNotEmpty().allMatch(f -> f.equals(ProxyFault.passThrough()));
    assertThat(proxy.bytesForwarded()).isGreaterThan(3 * CONTENT.size());
  }

  @Test
  void resetAfterForwardsExactlyThatManyBytesThenResets() throws Exception {
    proxy.faultNext(ProxyFault.resetAfter(50_000));

    Raw raw = Raw.get(proxy, "/f", GENEROUS);

    assertThat(raw.end()).isEqualTo(RawHttp.End.RESET);
    assertThat(raw.bytes()).hasSize(50_000);
    assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(raw.body()).isEqualTo(CONTENT.slice(0, raw.body().length));
  }

  @Test
  void truncateAfterForwardsExactlyThatManyBytesThenEndsCleanly() throws Exception {
    proxy.faultNext(ProxyFault.truncateAfter(60_000));

    Raw raw = Raw.get(proxy, "/f", GENEROUS);

    assertThat(raw.end()).isEqualTo(RawHttp.End.EOF);
    assertThat(raw.bytes()).hasSize(60_000);
    assertThat(raw.body()).isEqualTo(CONTENT.slice(0, raw.body().length));
  }

  @Test
  void stallAfterHoldsTheRestBackWhileTheConnectionStaysOpen() throws Exception {
    proxy.faultNext(ProxyFault.stallAfter(30_000, Duration.ofSeconds(30)));

    Raw raw = Raw.get(proxy, "/f", Duration.ofMillis(500));

    assertThat(raw.end()).isEqualTo(RawHttp.End.TIMEOUT);
    assertThat(raw.bytes()).hasSize(30_000);
    assertThat(raw.body()).isEqualTo(CONTENT.slice(0, raw.body().length));
  }

  @Test
  void stallAfterGoesOnWithTheRestOnceTheStallIsOver() throws Exception {
    proxy.faultNext(ProxyFault.stallAfter(30_000, Duration.ofMillis(500)));

    Raw raw = Raw.get(proxy, "/f", GENEROUS);

    assertThat(raw.end()).isEqualTo(RawHttp.End.EOF);
    assertThat(raw.body()).isEqualTo(CONTENT.bytes());
  }

  @Test
  void dripDeliversEverythingInSmallLotsWithPausesBetween() throws Exception {
    proxy.faultNext(ProxyFault.drip(20_000, Duration.ofMillis(50)));
    long start = System.nanoTime();

    Raw raw = Raw.get(proxy, "/f", GENEROUS);

    // At least ten pauses come between the lots of a 200 kB body: a floor, never a ceiling.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(450));
    assertThat(raw.end()).isEqualTo(RawHttp.End.EOF);
    assertThat(raw.body()).isEqualTo(CONTENT.bytes());
  }

  @Test
  void corruptAtFlipsExactlyThatByte() throws Exception {
    proxy.faultNext(ProxyFault.corruptAt(100_000));

    Raw raw = Raw.get(proxy, "/f", GENEROUS);

    byte[] body = raw.body();
    int inBody = 100_000 - raw.headerLength();
    assertThat(body).hasSize((int) CONTENT.size());
    byte[] expected = CONTENT.bytes();
    assertThat(body[inBody]).isEqualTo((byte) ~expected[inBody]);
    body[inBody] = expected[inBody];
    assertThat(body).as("every other byte").isEqualTo(expected);
  }

  @Test
  void queuedFaultsGoToTheNextConnectionsInOrderThenPassThrough() throws Exception {
    proxy.fault(ProxyFault.truncateAfter(1_000));
    proxy.faultNext(ProxyFault.resetAfter(10));
    proxy.faultNext(ProxyFault.passThrough());

    Raw first = Raw.get(proxy, "/f", GENEROUS);
    Raw second = Raw.get(proxy, "/f", GENEROUS);
    Raw third = Raw.get(proxy, "/f", GENEROUS);
    proxy.clearFaults();
    Raw fourth = Raw.get(proxy, "/f", GENEROUS);

    assertThat(first.end()).isEqualTo(RawHttp.End.RESET);
    assertThat(first.bytes()).hasSize(10);
    assertThat(second.body()).isEqualTo(CONTENT.bytes());
    assertThat(third.end()).isEqualTo(RawHttp.End.EOF);
    assertThat(third.bytes()).as("the standing fault").hasSize(1_000);
    assertThat(fourth.body()).isEqualTo(CONTENT.bytes());
    assertThat(proxy.connections())
        .containsExactly(
            ProxyFault.resetAfter(10),
            ProxyFault.passThrough(),
            ProxyFault.truncateAfter(1_000),
            ProxyFault.passThrough());
  }

  @Test
  void carriesTlsWithoutKnowingItAndBreaksItTheSameWay() throws Exception {
    try (TestOrigin tls = TestOrigin.startTls();
        FaultProxy front = FaultProxy.inFrontOf(tls);
        HttpClient client =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls.clientTrust())
                .build()) {
      tls.put("/f", CONTENT);
      HttpRequest request =
          HttpRequest.newBuilder(front.uri(tls.uri("/f"))).timeout(GENEROUS).build();

      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(CONTENT.bytes());

      front.fault(ProxyFault.resetAfter(20_000));
      try (HttpClient fresh =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(tls.clientTrust())
              .build()) {
        assertThatThrownBy(() -> fresh.send(request, HttpResponse.BodyHandlers.ofByteArray()))
            .isInstanceOf(IOException.class);
      }
      assertThat(tls.requests("/f")).hasSize(2);
    }
  }

  @Test
  void closingTheProxyCutsAStallShort() throws Exception {
    proxy.fault(ProxyFault.stallAfter(0, Duration.ofMinutes(5)));
    CompletableFuture<Raw> reading =
        CompletableFuture.supplyAsync(() -> {
          try {
            return Raw.get(proxy, "/f", Duration.ofMinutes(1));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    org.awaitility.Awaitility.await()
        .atMost(GENEROUS)
        .until(() -> !origin.requests("/f").isEmpty());

    proxy.close();

    Raw raw = assertTimeoutPreemptively(GENEROUS, () -> reading.get());
    assertThat(raw.end()).isNotEqualTo(RawHttp.End.TIMEOUT);
    assertThat(raw.bytes()).isEmpty();
  }

  @Test
  void aTargetThatRefusesConnectionsClosesTheClientsConnection() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    try (FaultProxy dead =
        FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), closed))) {
      Raw raw = Raw.get(dead, "/f", GENEROUS);
      assertThat(raw.end()).isNotEqualTo(RawHttp.End.TIMEOUT);
      assertThat(raw.bytes()).isEmpty();
    }
  }

  @Test
  void urisKeepSchemePathAndQueryButNameTheProxy() {
    URI through = proxy.uri(origin.uri("/a b/c%d?x=1&y=2"));

    assertThat(through.getScheme()).isEqualTo("http");
    assertThat(through.getHost()).isEqualTo("127.0.0.1");
    assertThat(through.getPort()).isEqualTo(proxy.port()).isNotEqualTo(origin.port());
    assertThat(through.getRawPath()).isEqualTo(origin.uri("/a b/c%d").getRawPath());
    assertThat(through.getRawQuery()).isEqualTo("x=1&y=2");
  }

  /** Every byte that came back for one request, and how the connection ended. */
  record Raw(byte[] bytes, RawHttp.End end) {

    /** GET {@code path} through {@code proxy} with Connection: close; reads until the end. */
    static Raw get(FaultProxy proxy, String path, Duration quiet) throws IOException {
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + proxy.port()
              + "\r\nConnection: close\r\n\r\n";
      try (Socket socket = new Socket(proxy.host(), proxy.port())) {
        socket.setSoTimeout((int) quiet.toMillis());
        socket.getOutputStream().write(request.getBytes(ISO_8859_1));
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        RawHttp.End end = readAll(socket.getInputStream(), received);
        return new Raw(received.toByteArray(), end);
      }
    }

    private static RawHttp.End readAll(InputStream in, ByteArrayOutputStream into)
        throws IOException {
      byte[] buffer = new byte[64 * 1024];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          into.write(buffer, 0, n);
        }
        return RawHttp.End.EOF;
      } catch (SocketTimeoutException e) {
        return RawHttp.End.TIMEOUT;
      } catch (SocketException e) {
        if (e.getMessage() != null && e.getMessage().contains("reset")) {
          return RawHttp.End.RESET;
        }
        throw e;
      }
    }

    String statusLine() {
      String text = new String(bytes, ISO_8859_1);
      return text.substring(0, text.indexOf("\r\n"));
    }

    /** Bytes up to and including the blank line that ends the header block. */
    int headerLength() {
      String text = new String(bytes, ISO_8859_1);
      int blank = text.indexOf("\r\n\r\n");
      if (blank < 0) {
        throw new AssertionError("no complete header block in " + bytes.length + " bytes");
      }
      return blank + 4;
    }

    byte[] body() {
      return Arrays.copyOfRange(bytes, headerLength(), bytes.length);
    }
  }
}
