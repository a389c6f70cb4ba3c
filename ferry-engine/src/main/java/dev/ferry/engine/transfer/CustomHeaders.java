package dev.ferry.engine.transfer;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses and checks a job's custom request headers: {@code Name: value} lines, CRLF-separated. */
public final class CustomHeaders {
  /** Headers the transfer itself controls; a job may not set them. */
  private static final Set<String> RESERVED =
      Set.of("range", "if-range", "host", "content-length", "transfer-encoding", "connection");

  private CustomHeaders() {}

  public static Map<String, String> parse(String headers) {
    Map<String, String> result = new LinkedHashMap<>();
    if (headers == null || headers.isBlank()) {
      return result;
    }
    for (String line : headers.split("\r?\n")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new FerryException(
            HResult.E_INVALIDARG, "a custom header is 'Name: value', not '" + line + "'");
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new FerryException(HResult.E_INVALIDARG, "'" + name + "' is not a valid header name");
      }
      if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        throw new FerryException(
            HResult.E_INVALIDARG, "the value of header '" + name + "' has control characters");
      }
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new FerryException(
            HResult.E_INVALIDARG, "header '" + name + "' is set by Ferry itself");
      }
      result.put(name, value);
    }
    return result;
  }
}
