package dev.ferry.testkit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 exchange over a plain socket, reporting exactly what came back and how the
 * connection ended. HttpClient hides both, and faults are all about them.
 */
final class RawHttp {

  /** How the server's side of the connection ended, as the client saw it. */
  enum End {
    /** Orderly close (FIN). */
    EOF,
    /** Connection reset (RST). */
    RESET,
    /** Nothing more arrived within the read timeout; the connection was still open. */
    TIMEOUT
  }

  /**
   * What arrived: the status line, headers by lower-case name, and every byte after the blank line,
   * undecoded.
   */
  record Exchange(String statusLine, Map<String, String> headers, byte[] rest, End end) {
    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }

    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private RawHttp() {}

  /**
   * Sends {@code method path} with {@code headerLines} (such as {@code "Range: bytes=0-9"}) on a
   * kept-alive connection, then reads until the server ends it or {@code quiet} passes without a
   * byte.
   */
  static Exchange exchange(
      TestOrigin origin, String method, String path, Duration quiet, String... headerLines)
      throws IOException {
    StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    request.append("Host: 127.0.0.1:").append(origin.port()).append("\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      socket.setSoTimeout((int) quiet.toMillis());
      socket.getOutputStream().write(request.toString().getBytes(ISO_8859_1));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      End end = readAll(socket.getInputStream(), received);
      return parse(received.toByteArray(), end);
    }
  }

  private static End readAll(InputStream in, ByteArrayOutputStream into) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        into.write(buffer, 0, n);
      }
      return End.EOF;
    } catch (SocketTimeoutException e) {
      return End.TIMEOUT;
    } catch (SocketException e) {
      if (e.getMessage() != null && e.getMessage().contains("reset")) {
        return End.RESET;
      }
      throw e;
    }
  }

  private static Exchange parse(byte[] received, End end) throws IOException {
    int blank = indexOf(received, "\r\n\r\n".getBytes(ISO_8859_1));
    if (blank < 0) {
      throw new IOException(
          "no complete header block (" + end + "): " + new String(received, ISO_8859_1));
    }
    String[] lines = new String(received, 0, blank, ISO_8859_1).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    byte[] rest = Arrays.copyOfRange(received, blank + 4, received.length);
    return new Exchange(lines[0], headers, rest, end);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
