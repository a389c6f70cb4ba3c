package dev.ferry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * A decided response: what to send and how to send it. Content-Length is left out of {@code
 * headers} and derived from the body when {@code announceLength} holds, so it cannot disagree.
 */
record Reply(int status, HttpFields headers, Body body, boolean announceLength, Delivery delivery) {

  /** A short text reply, as used for errors and injected statuses. */
  static Reply text(int status, Map<String, String> extraHeaders, String text) {
    HttpFields.Mutable headers = HttpFields.build();
    // 204 and 304 cannot carry a body, so they must not describe one either (RFC 9110 §8.6).
    boolean bodiless = status == 204 || status == 304;
    if (!bodiless) {
      headers.put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
    }
    extraHeaders.forEach(headers::put);
    Body body = bodiless ? Body.EMPTY : Body.of(text.getBytes(UTF_8));
    return new Reply(status, headers, body, !bodiless, Delivery.NORMAL);
  }
}
