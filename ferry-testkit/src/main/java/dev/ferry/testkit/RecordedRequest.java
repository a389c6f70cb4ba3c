package dev.ferry.testkit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as {@link TestOrigin} received it, before any fault was applied.
 *
 * @param method the request method, for example {@code GET}
 * @param path the decoded path, starting with {@code /}, without the query
 * @param headers header values by lower-case name; repeated headers are joined with {@code ", "}
 * @param at when the request reached the handler
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, Instant at) {

  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(at, "at");
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> lower.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + ", " + b));
    headers = Collections.unmodifiableMap(lower);
  }

  /** The value of header {@code name}, looked up case-insensitively. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The Range header, if the request had one. */
  public Optional<String> range() {
    return header("range");
  }
}
