package dev.ferry.testkit;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh origin and an HTTP/1.1 client per test, so no state leaks between tests. */
abstract class HttpTestSupport {

  static final Duration GENEROUS = Duration.ofSeconds(10);

  TestOrigin origin;
  HttpClient client;

  @BeforeEach
  void startOrigin() {
    origin = TestOrigin.start();
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(GENEROUS)
            .build();
  }

  @AfterEach
  void stopOrigin() {
    client.close();
    origin.close();
  }

  /** GET {@code path} with {@code headers} given as alternating names and values. */
  HttpResponse<byte[]> get(String path, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).GET());
  }

  HttpResponse<byte[]> head(String path, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).HEAD());
  }

  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(origin.uri(path)).timeout(GENEROUS);
    return headers.length == 0 ? builder : builder.headers(headers);
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }
}
