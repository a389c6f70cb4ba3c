package dev.ferry.swarm.tracker;

import dev.ferry.swarm.bencode.BString;
import java.net.URI;
import java.util.Optional;

/**
 * The URL of an HTTP announce (BEP 3): the tracker's announce URL with the request's parameters
 * appended, keeping any query the URL already has (private trackers put a passkey there). Binary
 * values ({@code info_hash}, {@code peer_id}, {@code trackerid}) are their raw bytes, each byte
 * that is not unreserved written as {@code %XX}.
 */
final class HttpAnnounceQuery {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private HttpAnnounceQuery() {}

  static URI of(URI announce, AnnounceRequest request, Optional<BString> trackerId) {
    String base = announce.toString();
    int fragment = base.indexOf('#');
    if (fragment >= 0) {
      base = base.substring(0, fragment);
    }
    StringBuilder url = new StringBuilder(base);
    url.append(base.indexOf('?') >= 0 ? '&' : '?');
    url.append("info_hash=").append(encode(request.swarm().bytes()));
    url.append("&peer_id=").append(encode(request.peerId().bytes()));
    url.append("&port=").append(request.port());
    url.append("&uploaded=").append(request.progress().uploaded());
    url.append("&downloaded=").append(request.progress().downloaded());
    url.append("&left=").append(request.progress().left());
    // BEP 23: ask for compact peers; trackers that ignore it send BEP 3's dictionaries.
    url.append("&compact=1");
    if (request.event() != AnnounceEvent.NONE) {
      url.append("&event=").append(request.event().httpName());
    }
    if (request.numWant() >= 0) {
      url.append("&numwant=").append(request.numWant());
    }
    url.append("&key=").append(String.format("%08X", request.key()));
    trackerId.ifPresent(id -> url.append("&trackerid=").append(encode(id.bytes())));
    return URI.create(url.toString());
  }

  /** RFC 3986 percent-encoding of raw bytes: unreserved characters as they are, the rest %XX. */
  static String encode(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
