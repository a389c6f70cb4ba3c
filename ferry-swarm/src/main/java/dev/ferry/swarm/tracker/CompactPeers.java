package dev.ferry.swarm.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Peers packed as addresses and ports (BEP 23's 6 bytes for IPv4, BEP 7's 18 for IPv6), as HTTP
 * trackers' {@code peers}/{@code peers6} strings and UDP announce responses carry them.
 */
final class CompactPeers {
  static final int IPV4 = 6;
  static final int IPV6 = 18;

  private CompactPeers() {}

  /**
   * The peers in {@code bytes[from, to)}, each {@code entrySize} bytes; a trailing partial entry is
   * left out, as are port 0 (nobody listens there) and unspecified addresses.
   */
  static List<InetSocketAddress> decode(byte[] bytes, int from, int to, int entrySize) {
    int addressSize = entrySize - 2;
    List<InetSocketAddress> peers = new ArrayList<>((to - from) / entrySize);
    for (int at = from; at + entrySize <= to; at += entrySize) {
      int port = ((bytes[at + addressSize] & 0xff) << 8) | (bytes[at + addressSize + 1] & 0xff);
      InetAddress address;
      try {
        address = InetAddress.getByAddress(Arrays.copyOfRange(bytes, at, at + addressSize));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("4 and 16 bytes are addresses", e);
      }
      if (port != 0 && !address.isAnyLocalAddress()) {
        peers.add(new InetSocketAddress(address, port));
      }
    }
    return peers;
  }
}
