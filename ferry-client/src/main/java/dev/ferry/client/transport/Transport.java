package dev.ferry.client.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.rest.Json;
import dev.ferry.rest.Problem;
import dev.ferry.rest.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * JSON over HTTP/1.1 on ferryd's Unix domain socket. Every failure comes back as a {@link
 * FerryException}: the daemon's {@link Problem} with its own HRESULT, or DO_E_NO_SERVICE when the
 * daemon cannot be reached.
 */
public final class Transport implements AutoCloseable {
  /** The host part of every URL: only the socket decides where a request goes. */
  private static final String BASE = "http://localhost";

  /** Complete and Cancel wait for the transfer to stop and rename files: allow them time. */
  private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(5);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Path socket;
  private final CloseableHttpClient http;
  private final RequestConfig requestConfig;
  private final RequestConfig streamConfig;
  private final ObjectMapper json;
  private volatile boolean closed;

  public Transport(Path socket) {
    this.socket = socket;
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(64)
                    .setMaxConnPerRoute(64)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            // A pooled connection is checked before reuse, so one left pointing
                            // at a daemon that has since restarted is replaced, not used.
                            .setValidateAfterInactivity(TimeValue.ofMilliseconds(1))
                            .build())
                    // The default strategy loads the JDK's trusted certificates as the client is
                    // built, for a socket that never speaks TLS: with one client instead of two,
                    // a 1 MiB get through ferryd went from 475 to 412 ms (bench/README.md).
                    .setTlsSocketStrategy(Transport::noTls)
                    .build())
            // Connections are kept and reused: HttpClient's Unix-socket adapter leaves two
            // selectors (and the socket's descriptor) open for every connection it closes, so a
            // connection per request would leak five descriptors per call (LoadTest found it).
            .evictIdleConnections(TimeValue.ofSeconds(30))
            // Nothing is sent twice behind the caller's back: a retried POST could add files twice.
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .build();
    this.requestConfig =
        RequestConfig.custom()
            .setUnixDomainSocket(socket)
            .setResponseTimeout(Timeout.of(RESPONSE_TIMEOUT))
            .build();
    // The event stream is quiet for as long as nothing happens.
    this.streamConfig =
        RequestConfig.custom()
            .setUnixDomainSocket(socket)
            .setResponseTimeout(Timeout.DISABLED)
            .build();
    this.json = Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public Path socket() {
    return socket;
  }

  private static SSLSocket noTls(
      Socket socket, String target, int port, Object attachment, HttpContext context)
      throws IOException {
    throw new IOException("ferryd's socket speaks plain HTTP, never TLS");
  }

  /** The mapper that reads the daemon's answers; it tolerates fields a newer daemon adds. */
  public ObjectMapper json() {
    return json;
  }

  public <T> T get(String path, Class<T> type) {
    return call("GET", path, null, json.constructType(type));
  }

  public <T> T get(String path, JavaType type) {
    return call("GET", path, null, type);
  }

  /**
   * Sends {@code body} (none when null) and reads the answer as {@code type} (ignored when null).
   */
  public <T> T send(String method, String path, Object body, Class<T> type) {
    return call(method, path, body, type == null ? null : json.constructType(type));
  }

  public <T> T send(String method, String path, Object body, JavaType type) {
    return call(method, path, body, type);
  }

  private <T> T call(String method, String path, Object body, JavaType type) {
    ensureOpen();
    HttpUriRequestBase request = new HttpUriRequestBase(method, java.net.URI.create(BASE + path));
    request.setConfig(requestConfig);
    request.setHeader(HttpHeaders.ACCEPT, "application/json");
    if (body != null) {
      request.setEntity(new ByteArrayEntity(write(body), ContentType.APPLICATION_JSON));
    }
    try {
      return http.execute(
          request,
          response -> {
            byte[] bytes =
                response.getEntity() == null
                    ? new byte[0]
                    : EntityUtils.toByteArray(response.getEntity());
            if (response.getCode() >= 300) {
              throw failure(response.getCode(), bytes);
            }
            if (type == null || bytes.length == 0) {
              return null;
            }
            return json.readValue(bytes, type);
          });
    } catch (FerryException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new FerryException(
          HResult.E_UNEXPECTED.value(),
          "ferryd answered " + method + " " + path + " with JSON the client cannot read: " + e,
          e);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (IllegalStateException e) {
      // The connection pool was shut down under the call: this client was closed meanwhile.
      ensureOpen();
      throw e;
    } catch (IllegalArgumentException e) {
      // HttpCore reads the peer address of a Unix-socket connection that failed under it (no
      // descriptor left, peer gone) as port -1: the daemon cannot be reached, nothing more.
      throw new FerryException(
          HResult.DO_E_NO_SERVICE.value(),
          "lost the connection to ferryd at " + socket + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Opens the server-sent event stream of {@link Routes#EVENTS}; returns once the daemon has
   * answered with its headers. Close the stream to stop it.
   */
  @SuppressWarnings("deprecation") // The streaming execute: events are read as they arrive.
  public OpenStream openEvents(String query) {
    ensureOpen();
    HttpUriRequestBase request =
        new HttpUriRequestBase(
            "GET", java.net.URI.create(BASE + Routes.EVENTS + (query == null ? "" : query)));
    request.setConfig(streamConfig);
    request.setHeader(HttpHeaders.ACCEPT, "text/event-stream");
    CloseableHttpResponse response;
    try {
      response = http.execute(request);
    } catch (IOException e) {
      throw unreachable(e);
    }
    try {
      if (response.getCode() >= 300 || response.getEntity() == null) {
        byte[] bytes =
            response.getEntity() == null
                ? new byte[0]
                : EntityUtils.toByteArray(response.getEntity());
        throw failure(response.getCode(), bytes);
      }
      return new OpenStream(request, response, response.getEntity().getContent());
    } catch (IOException | RuntimeException e) {
      request.cancel();
      response.close(CloseMode.IMMEDIATE);
      throw e instanceof IOException io ? unreachable(io) : (RuntimeException) e;
    }
  }

  /** An event stream being read; closing it aborts the request and its connection. */
  public static final class OpenStream implements AutoCloseable {
    private final ClassicHttpRequest request;
    private final CloseableHttpResponse response;
    private final InputStream body;

    OpenStream(ClassicHttpRequest request, CloseableHttpResponse response, InputStream body) {
      this.request = request;
      this.response = response;
      this.body = body;
    }

    public InputStream body() {
      return body;
    }

    @Override
    public void close() {
      if (request instanceof HttpUriRequestBase cancellable) {
        cancellable.cancel();
      }
      response.close(CloseMode.IMMEDIATE);
    }
  }

  /** As the engine does once closed: a closed manager's objects fail with DO_E_NO_SERVICE. */
  private void ensureOpen() {
    if (closed) {
      throw new FerryException(HResult.DO_E_NO_SERVICE, "this ferryd client is closed");
    }
  }

  private byte[] write(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new FerryException(HResult.E_INVALIDARG.value(), "cannot encode the request", e);
    }
  }

  /** The daemon's Problem as an exception, exactly as the engine would have thrown it. */
  private FerryException failure(int status, byte[] body) {
    try {
      Problem problem = json.readValue(body, Problem.class);
      if (problem != null && !HResult.succeeded(problem.hresult())) {
        return problem.toException();
      }
    } catch (IOException notAProblem) {
      // Fall through: not the daemon's error format (a proxy, or something else on the socket).
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return new FerryException(
        HResult.E_UNEXPECTED,
        "ferryd answered HTTP " + status + (text.isEmpty() ? "" : ": " + abbreviate(text)));
  }

  private FerryException unreachable(IOException e) {
    boolean notRunning =
        !Files.exists(socket)
            || e instanceof ConnectException
            || e.getCause() instanceof ConnectException
            || String.valueOf(e.getMessage()).contains("Connection refused");
    String message =
        notRunning
            ? "ferryd is not running at " + socket
            : "lost the connection to ferryd at " + socket + ": " + e;
    return new FerryException(HResult.DO_E_NO_SERVICE.value(), message, e);
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  @Override
  public void close() {
    closed = true;
    http.close(CloseMode.IMMEDIATE);
  }
}
