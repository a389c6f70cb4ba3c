package dev.ferry.daemon.identity;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who opened a loopback TCP connection. TCP carries no credentials, but on Linux both ends of a
 * loopback connection live in this machine's socket tables ({@code /proc/net/tcp} and {@code
 * /proc/net/tcp6}), and the entry of the client's end names the uid that created its socket: the
 * entry whose local address is our peer's and whose remote address is ours. This is how identd
 * answers, and it needs no privilege: the tables are readable by every user.
 */
public final class LoopbackPeers {
  private static final Logger log = LoggerFactory.getLogger(LoopbackPeers.class);
  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private LoopbackPeers() {}

  /**
   * The uid behind the other end of {@code connection}, an accepted connection from this machine;
   * empty when it cannot be told (not Linux, the client already gone).
   */
  public static OptionalLong uidOf(Socket connection) {
    if (!(connection.getRemoteSocketAddress() instanceof InetSocketAddress peer)
        || !(connection.getLocalSocketAddress() instanceof InetSocketAddress local)) {
      return OptionalLong.empty();
    }
    return uidOf(peer, local, TABLES);
  }

  /** The uid of the socket whose local end is {@code client} and remote end {@code server}. */
  static OptionalLong uidOf(InetSocketAddress client, InetSocketAddress server, List<Path> tables) {
    InetAddress clientAddress = unmapped(client.getAddress());
    InetAddress serverAddress = unmapped(server.getAddress());
    for (Path table : tables) {
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException e) {
        log.debug("cannot read {}: {}", table, e.toString());
        continue;
      }
      for (String line : lines) {
        String[] fields = line.strip().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
        if (fields.length < 8 || !fields[0].endsWith(":")) {
          continue;
        }
        try {
          if (matches(fields[1], clientAddress, client.getPort())
              && matches(fields[2], serverAddress, server.getPort())) {
            return OptionalLong.of(Long.parseLong(fields[7]));
          }
        } catch (IllegalArgumentException malformed) {
          // A line of another format: not ours.
        }
      }
    }
    return OptionalLong.empty();
  }

  /** Whether the table's {@code HEXADDR:HEXPORT} is {@code address} and {@code port}. */
  private static boolean matches(String field, InetAddress address, int port) {
    int colon = field.indexOf(':');
    if (colon < 0 || Integer.parseInt(field.substring(colon + 1), 16) != port) {
      return false;
    }
    return unmapped(decode(field.substring(0, colon))).equals(address);
  }

  /**
   * The kernel prints each 32-bit word of an address as a number in the machine's byte order, so on
   * a little-endian machine 127.0.0.1 reads {@code 0100007F}.
   */
  static InetAddress decode(String hex) {
    if (hex.length() != 8 && hex.length() != 32) {
      throw new IllegalArgumentException(hex);
    }
    byte[] bytes = new byte[hex.length() / 2];
    boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + i * 2;
        byte b = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
        bytes[word * 4 + (little ? 3 - i : i)] = b;
      }
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(hex, e);
    }
  }

  /** An IPv4-mapped IPv6 address as IPv4, so both tables compare alike. */
  private static InetAddress unmapped(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 16) {
      boolean mapped = bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = bytes[i] == 0;
      }
      if (mapped) {
        try {
          return Inet4Address.getByAddress(java.util.Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
          return address;
        }
      }
    }
    return address;
  }
}
