package dev.ferry.daemon.doagent;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the agent sees it.
 *
 * @param path the request target's path without query and without leading slashes, undecoded
 * @param rawQuery the query as sent, undecoded; see {@link #query()}
 * @param headers header names in lower case; the last of repeated headers wins
 * @param body the body, empty when there is none
 */
record AgentRequest(
    String method,
    String path,
    String rawQuery,
    Map<String, String> headers,
    byte[] body,
    InetAddress peer) {

  /** A query parameter. */
  record Parameter(String name, String value) {}

  /**
   * Splits a request target in any of the forms a client may send: origin-form ({@code
   * /download/x?..}), the SDK's form without the leading slash ({@code download/x?..}) and
   * absolute-form ({@code http://127.0.0.1:50000/download/x?..}).
   *
   * @return the path (leading slashes removed) and the raw query, which may be empty
   */
  static String[] splitTarget(String target) {
    String rest = target;
    String lower = rest.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int pathStart = rest.indexOf('/', lower.indexOf("://") + 3);
      rest = pathStart < 0 ? "" : rest.substring(pathStart);
    }
    int question = rest.indexOf('?');
    String path = question < 0 ? rest : rest.substring(0, question);
    String query = question < 0 ? "" : rest.substring(question + 1);
    int fragment = query.indexOf('#');
    if (fragment >= 0) {
      query = query.substring(0, fragment);
    }
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    return new String[] {path, query};
  }

  /**
   * The parameters of a raw query. Each name and value is decoded on its own, after splitting, as
   * the agent does: a value may be a URL with a query of its own, whose {@code &} and {@code =}
   * arrive percent-encoded. A {@code +} stays a plus sign (it is a space only in HTML forms, and
   * the SDK never encodes spaces that way).
   */
  static List<Parameter> parseQuery(String query) {
    List<Parameter> parameters = new ArrayList<>();
    if (query.isEmpty()) {
      return parameters;
    }
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      parameters.add(new Parameter(percentDecode(name), percentDecode(value)));
    }
    return parameters;
  }

  /** Decodes {@code %XX} escapes as UTF-8; a malformed escape is E_INVALIDARG. */
  static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          throw malformed(text);
        }
        int high = Character.digit(text.charAt(i + 1), 16);
        int low = Character.digit(text.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw malformed(text);
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
          encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.writeBytes(encoded);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static FerryException malformed(String text) {
    return new FerryException(HResult.E_INVALIDARG, "malformed percent-encoding in '" + text + "'");
  }

  /** The query's parameters in order, names and values percent-decoded (E_INVALIDARG if bad). */
  List<Parameter> query() {
    return parseQuery(rawQuery);
  }

  /** The value of a header, by case-insensitive name. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
