package dev.ferry.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.rest.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Speaks the agent protocol exactly as Microsoft's C++ SDK does on Linux: the newest {@code
 * restport*} file names the port; one kept-alive connection to 127.0.0.1; request lines without a
 * leading slash and without a body; only {@code Host} and {@code User-Agent}. Replies are parsed as
 * strictly as the SDK parses them: anything it would choke on fails the test (a reason phrase of
 * other than letters, digits and spaces, a {@code Content-Length} not spelled so, a chunked body, a
 * reply over 2048 bytes). As the SDK, a reply without {@code Content-Length} has no body.
 */
final class SdkClient implements AutoCloseable {
  static final int MAX_REPLY = 2048;

  private final Socket socket;
  private final InputStream in;

  private SdkClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /** Finds the port as the SDK does (newest restport file, three tries a second apart). */
  static SdkClient connect(Path runDir) {
    try {
      return new SdkClient(new Socket(InetAddress.getLoopbackAddress(), discoverPort(runDir)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int discoverPort(Path runDir) {
    for (int attempt = 0; ; attempt++) {
      Optional<Path> newest = newestPortFile(runDir);
      if (newest.isPresent()) {
        try {
          String first = Files.readAllLines(newest.get()).getFirst().strip();
          return Integer.parseInt(first);
        } catch (IOException | RuntimeException e) {
          // Being written or removed: try again, as the SDK does.
        }
      }
      if (attempt == 2) {
        throw new IllegalStateException("no_service: no restport file in " + runDir);
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static Optional<Path> newestPortFile(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(runDir)) {
      return files
          .filter(f -> f.getFileName().toString().contains("restport"))
          .max(Comparator.comparing(SdkClient::modified));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** The SDK's encoding of a query value: everything but unreserved characters and {@code :/?}. */
  static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (Character.isLetterOrDigit(c) && c < 128 || "-_.~:/?".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  /** {@code download/<verb>?name=value&...} with encoded values. */
  static String target(String verb, String... namesAndValues) {
    StringBuilder target = new StringBuilder("download/").append(verb);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      target.append(i == 0 ? '?' : '&');
      target.append(namesAndValues[i]).append('=').append(encode(namesAndValues[i + 1]));
    }
    return target.toString();
  }

  Reply post(String verb, String... namesAndValues) {
    return send("POST", target(verb, namesAndValues));
  }

  Reply get(String verb, String... namesAndValues) {
    return send("GET", target(verb, namesAndValues));
  }

  /** Sends one request as the SDK would and reads the reply strictly. */
  Reply send(String method, String target) {
    return raw(
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: DO-SDK-CPP\r\n\r\n");
  }

  /** Sends bytes as they are (for malformed requests) and reads one reply strictly. */
  Reply raw(String request) {
    try {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return readReply(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server closed the connection (the next read sees end of stream). */
  boolean closedByServer() throws IOException {
    socket.setSoTimeout(10_000);
    return in.read() < 0;
  }

  /**
   * Reads one reply: a status line whose reason phrase is letters, digits and spaces, headers with
   * {@code Content-Length} spelled exactly so (none: no body), no chunked encoding, the whole reply
   * at most {@value #MAX_REPLY} bytes, and any ErrorCode (a number or, as in status replies, text)
   * within signed 32-bit range.
   */
  static Reply readReply(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    String statusLine = line(in, all);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length != 3
        || !parts[0].equals("HTTP/1.1")
        || !parts[1].matches("\\d+")
        || !parts[2].matches("[a-zA-Z0-9 ]+")) {
      throw new AssertionError("the SDK rejects the status line '" + statusLine + "'");
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header = line(in, all); !header.isEmpty(); header = line(in, all)) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new AssertionError("malformed header '" + header + "'");
      }
      headers.put(header.substring(0, colon), header.substring(colon + 1).strip());
    }
    if (headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Transfer-Encoding"))) {
      throw new AssertionError("the SDK cannot read chunked replies: " + headers);
    }
    String length = headers.get("Content-Length");
    if (length == null
        && headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Length"))) {
      throw new AssertionError(
          "the SDK finds no header spelled exactly 'Content-Length': " + headers);
    }
    int size = length == null ? 0 : Integer.parseInt(length);
    if (all.size() + size > MAX_REPLY) {
      throw new AssertionError("reply of " + (all.size() + size) + " bytes exceeds " + MAX_REPLY);
    }
    byte[] body = in.readNBytes(size);
    if (body.length != size) {
      throw new AssertionError("the body ended after " + body.length + " of " + size + " bytes");
    }
    JsonNode json = size == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
    if (json.has("ErrorCode")) {
      JsonNode code = json.get("ErrorCode");
      boolean int32 =
          code.isIntegralNumber()
              ? code.canConvertToInt()
              : code.isTextual() && isInt(code.asText());
      if (!int32) {
        throw new AssertionError("ErrorCode is not a signed 32-bit number: " + json);
      }
    }
    return new Reply(status, parts[2], headers, json, size);
  }

  private static boolean isInt(String text) {
    try {
      Integer.parseInt(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String line(InputStream in, ByteArrayOutputStream all) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("the connection ended within a reply");
      }
      all.write(b);
      if (all.size() > MAX_REPLY) {
        throw new AssertionError("reply head exceeds " + MAX_REPLY + " bytes");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
          throw new AssertionError("a reply line does not end in CRLF");
        }
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
  }

  /** One reply; {@code bodySize} 0 when it had none. */
  record Reply(
      int status, String reason, Map<String, String> headers, JsonNode json, int bodySize) {
    int errorCode() {
      return json.path("ErrorCode").asInt();
    }

    String text(String field) {
      return json.path(field).asText();
    }

    long number(String field) {
      return json.path(field).asLong();
    }

    List<String> ids() {
      List<String> ids = new java.util.ArrayList<>();
      json.path("Ids").forEach(id -> ids.add(id.asText()));
      return ids;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
