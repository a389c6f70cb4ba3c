package dev.ferry.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.rest.Json;
import dev.ferry.rest.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * A small HTTP client for the daemon's API, over its Unix socket (Apache HttpClient's per-request
 * Unix socket) or, with a base URL, over TCP.
 */
final class UnixHttp implements AutoCloseable {
  static final ObjectMapper JSON = Json.mapper();

  private final CloseableHttpClient client = HttpClients.createDefault();
  private final Path socket;
  private final String base;

  private UnixHttp(Path socket, String base) {
    this.socket = socket;
    this.base = base;
  }

  static UnixHttp over(Path socket) {
    return new UnixHttp(socket, "http://localhost");
  }

  static UnixHttp tcp(int port) {
    return new UnixHttp(null, "http://127.0.0.1:" + port);
  }

  /** A response: status, body text and the Content-Type. */
  record Response(int status, String body, String contentType) {
    <T> T as(Class<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new UncheckedIOException("not a " + type.getSimpleName() + ": " + body, e);
      }
    }

    <T> T as(TypeReference<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new UncheckedIOException("not the expected JSON: " + body, e);
      }
    }

    Problem problem() {
      return as(Problem.class);
    }
  }

  Response get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  Response post(String path, Object body, String... headers) {
    return send("POST", path, body, headers);
  }

  Response patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  Response put(String path, Object body) {
    return send("PUT", path, body);
  }

  /**
   * Sends a request; {@code body} is a record or map (sent as JSON), a String or byte[] (sent as
   * is), or null.
   */
  Response send(String method, String path, Object body, String... headers) {
    HttpUriRequestBase request = new HttpUriRequestBase(method, java.net.URI.create(base + path));
    request.setConfig(config());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.addHeader(headers[i], headers[i + 1]);
    }
    if (body != null) {
      byte[] bytes;
      try {
        bytes =
            switch (body) {
              case byte[] b -> b;
              case String s -> s.getBytes(StandardCharsets.UTF_8);
              default -> JSON.writeValueAsBytes(body);
            };
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      request.setEntity(new ByteArrayEntity(bytes, ContentType.APPLICATION_JSON));
    }
    try {
      return client.execute(
          request,
          (ClassicHttpResponse response) -> {
            String text =
                response.getEntity() == null
                    ? ""
                    : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            var type = response.getFirstHeader("Content-Type");
            return new Response(response.getCode(), text, type == null ? null : type.getValue());
          });
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    }
  }

  /** Opens a streaming GET (for server-sent events); the caller reads and closes the response. */
  ClassicHttpResponse open(String path, String... headers) throws IOException {
    HttpUriRequestBase request = new HttpUriRequestBase("GET", java.net.URI.create(base + path));
    request.setConfig(config());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.addHeader(headers[i], headers[i + 1]);
    }
    return client.executeOpen(null, request, null);
  }

  private RequestConfig config() {
    RequestConfig.Builder config =
        RequestConfig.custom().setResponseTimeout(Timeout.of(60, TimeUnit.SECONDS));
    if (socket != null) {
      config.setUnixDomainSocket(socket);
    }
    return config.build();
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException ignored) {
      // Nothing is left to release.
    }
  }
}
