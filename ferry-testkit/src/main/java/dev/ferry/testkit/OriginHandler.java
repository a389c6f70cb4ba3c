package dev.ferry.testkit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every request: records it, picks the fault in force, plans the reply and writes it. It is
 * a blocking handler, so Jetty runs it on a virtual thread where blocking writes are cheap.
 */
final class OriginHandler extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(OriginHandler.class);

  private final Routes routes;
  private volatile boolean stopping;

  OriginHandler(Routes routes) {
    this.routes = routes;
  }

  /** Makes in-flight stalls give up, so closing the origin never waits for them. */
  void beginStopping() {
    stopping = true;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // Null only for the asterisk form of OPTIONS, which has no path to serve anyway.
    String path = Objects.requireNonNullElse(request.getHttpURI().getDecodedPath(), "/");
    Route route = routes.get(path);
    route.record(new RecordedRequest(request.getMethod(), path, headers(request), Instant.now()));
    route.began();
    Callback counted =
        new Callback() {
          @Override
          public void succeeded() {
            route.ended();
            callback.succeeded();
          }

          @Override
          public void failed(Throwable cause) {
            route.ended();
            callback.failed(cause);
          }
        };
    new ReplyWriter(request, response, route::addBytesServed, () -> stopping)
        .send(reply(request, path, route), counted);
    return true;
  }

  private static Reply reply(Request request, String path, Route route) {
    String method = request.getMethod();
    // Checked before taking a fault, so stray requests of other methods do not use up faultOnce.
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      return Reply.text(405, Map.of("Allow", "GET, HEAD"), method + " is not served here\n");
    }
    Fault fault = route.takeFault();
    if (fault != null) {
      LOG.debug("{} {}: injecting {}", method, path, fault);
    }
    HttpFields headers = request.getHeaders();
    return Planner.plan(
        route.resource(), headers.get(HttpHeader.RANGE), headers.get(HttpHeader.IF_RANGE), fault);
  }

  private static Map<String, String> headers(Request request) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers.merge(field.getLowerCaseName(), field.getValue(), (a, b) -> a + ", " + b);
    }
    return headers;
  }
}
