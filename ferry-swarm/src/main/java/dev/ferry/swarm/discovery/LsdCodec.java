package dev.ferry.swarm.discovery;

import dev.ferry.swarm.content.SwarmKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * BEP 14 announces to bytes and back. Reading is strict and bounded, since anyone on the network
 * may send anything to the group: the datagram's size, each line's length and the number of headers
 * are checked before anything is kept, every byte must be printable ASCII (or a tab), lines end in
 * CRLF, and anything unexpected is an {@link LsdException}, never another exception.
 *
 * <p>What is accepted is what libtorrent sends and accepts: the request line {@code BT-SEARCH *
 * HTTP/1.1} (the method in any case), header names in any case, exactly one Port of 1 to 65535, at
 * most one cookie, any other header (Host among them) ignored. An Infohash that is not 40
 * characters long is skipped, as libtorrent skips it, so that a longer hash a later client may add
 * does not cost the ones Ferry understands; one of 40 characters that is not hex refuses the
 * datagram, and an all-zero one is skipped. A datagram left without a key is refused.
 */
public final class LsdCodec {
  /** The largest datagram read: an Ethernet frame's UDP payload over IPv4, above BEP 14's 1400. */
  public static final int MAX_DATAGRAM = 1472;

  /** The longest line, CRLF excluded: an Infohash line is 50, libtorrent's longest about 40. */
  static final int MAX_LINE = 200;

  /** Header lines: {@link LsdMessage#MAX_KEYS} Infohash and a few others, with room to spare. */
  static final int MAX_HEADERS = 40;

  private static final String REQUEST_LINE = "BT-SEARCH * HTTP/1.1";

  private LsdCodec() {}

  /** The datagram announcing {@code message} to {@code group}, its Host header naming it. */
  public static byte[] encode(LsdMessage message, LsdGroup group) {
    StringBuilder text = new StringBuilder(128 + 52 * message.keys().size());
    text.append(REQUEST_LINE).append("\r\n");
    text.append("Host: ").append(group.host()).append("\r\n");
    text.append("Port: ").append(message.port()).append("\r\n");
    for (SwarmKey key : message.keys()) {
      text.append("Infohash: ").append(key.hex()).append("\r\n");
    }
    message.cookie().ifPresent(c -> text.append("cookie: ").append(c).append("\r\n"));
    // BEP 14's announce ends in an empty line and one more CRLF.
    text.append("\r\n\r\n");
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The announce {@code length} bytes of {@code datagram} from {@code offset} hold. */
  public static LsdMessage decode(byte[] datagram, int offset, int length) throws LsdException {
    if (offset < 0 || length < 0 || length > datagram.length - offset) {
      throw new IndexOutOfBoundsException("offset " + offset + ", length " + length);
    }
    if (length > MAX_DATAGRAM) {
      throw new LsdException("a datagram of " + length + " bytes, over " + MAX_DATAGRAM);
    }
    List<String> lines = new ArrayList<>();
    int end = offset + length;
    int at = offset;
    while (true) {
      int lineEnd = lineEnd(datagram, at, end);
      String line = new String(datagram, at, lineEnd - at, StandardCharsets.US_ASCII);
      at = lineEnd + 2;
      if (line.isEmpty()) {
        break;
      }
      if (lines.size() == 1 + MAX_HEADERS) {
        throw new LsdException("more than " + MAX_HEADERS + " headers");
      }
      lines.add(line);
    }
    // What follows the empty line: only BEP 14's trailing CRLF (or nothing).
    for (int i = at; i < end; i++) {
      if (datagram[i] != '\r' && datagram[i] != '\n') {
        throw new LsdException("bytes after the headers");
      }
    }
    return message(lines);
  }

  /** Where the line from {@code at} ends (its CR), checked byte by byte. */
  private static int lineEnd(byte[] datagram, int at, int end) throws LsdException {
    for (int i = at; i < end; i++) {
      byte b = datagram[i];
      if (b == '\r') {
        if (i + 1 >= end || datagram[i + 1] != '\n') {
          throw new LsdException("a CR not followed by LF");
        }
        return i;
      }
      if (i - at >= MAX_LINE) {
        throw new LsdException("a line over " + MAX_LINE + " bytes");
      }
      if ((b < ' ' && b != '\t') || b > '~') {
        throw new LsdException("a byte that is not printable ASCII: " + (b & 0xff));
      }
    }
    throw new LsdException("the headers do not end");
  }

  private static LsdMessage message(List<String> lines) throws LsdException {
    if (lines.isEmpty() || !isRequestLine(lines.get(0))) {
      throw new LsdException("not a BT-SEARCH request");
    }
    Integer port = null;
    String cookie = null;
    List<SwarmKey> keys = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.indexOf(':');
      if (colon < 1 || !isToken(line.substring(0, colon))) {
        throw new LsdException("not a header line");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      switch (name) {
        case "port" -> {
          if (port != null) {
            throw new LsdException("two Port headers");
          }
          port = port(value);
        }
        case "cookie" -> {
          if (cookie != null) {
            throw new LsdException("two cookies");
          }
          if (!LsdMessage.validCookie(value)) {
            throw new LsdException("a cookie that is empty, too long or has spaces");
          }
          cookie = value;
        }
        case "infohash" -> {
          if (value.length() == 2 * SwarmKey.SIZE) {
            SwarmKey key = key(value);
            if (!key.isZero()) {
              if (keys.size() == LsdMessage.MAX_KEYS) {
                throw new LsdException("more than " + LsdMessage.MAX_KEYS + " infohashes");
              }
              keys.add(key);
            }
          }
        }
        default -> {
          // Host and anything a later client adds: not needed to find the peer.
        }
      }
    }
    if (port == null) {
      throw new LsdException("no Port header");
    }
    if (keys.isEmpty()) {
      throw new LsdException("no usable Infohash header");
    }
    return new LsdMessage(port, keys, Optional.ofNullable(cookie));
  }

  private static boolean isRequestLine(String line) {
    // The method in any case, as libtorrent compares it; the rest exactly.
    return line.length() == REQUEST_LINE.length()
        && line.regionMatches(true, 0, REQUEST_LINE, 0, "BT-SEARCH".length())
        && line.endsWith(" * HTTP/1.1");
  }

  private static boolean isToken(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static int port(String value) throws LsdException {
    if (value.isEmpty() || value.length() > 5) {
      throw new LsdException("a Port that is not 1 to 65535");
    }
    int port = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new LsdException("a Port that is not a decimal number");
      }
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) {
      throw new LsdException("a Port that is not 1 to 65535");
    }
    return port;
  }

  private static SwarmKey key(String hex) throws LsdException {
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        throw new LsdException("an Infohash that is not hex");
      }
    }
    return SwarmKey.of(HexFormat.of().parseHex(hex));
  }

  /** {@code keys} in groups of at most {@link LsdMessage#MAX_KEYS}, one datagram each. */
  static List<List<SwarmKey>> batches(List<SwarmKey> keys) {
    List<List<SwarmKey>> batches = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += LsdMessage.MAX_KEYS) {
      batches.add(keys.subList(from, Math.min(keys.size(), from + LsdMessage.MAX_KEYS)));
    }
    return batches;
  }
}
