package dev.ferry.swarm.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multicast group's socket: bound to port 6771 on every address, a member of the group on each
 * interface that is up, can multicast and has an address of the group's family; it sends on each of
 * those interfaces and receives from all of them.
 */
final class GroupSocket implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupSocket.class);

  /**
   * BEP 14: the groups' scope is wider than the link, so a TTL above 1 may be set; libtorrent sets
   * 32, and so does Ferry, so that both reach the same routers' far sides.
   */
  private static final int TTL = 32;

  private final LsdGroup group;
  private final DatagramChannel channel;
  private final List<NetworkInterface> interfaces;
  private final List<MembershipKey> memberships;

  private GroupSocket(
      LsdGroup group,
      DatagramChannel channel,
      List<NetworkInterface> interfaces,
      List<MembershipKey> memberships) {
    this.group = group;
    this.channel = channel;
    this.interfaces = List.copyOf(interfaces);
    this.memberships = memberships;
  }

  /** The group's socket, or empty when no interface could join it. */
  static Optional<GroupSocket> open(LsdGroup group) throws IOException {
    DatagramChannel channel = DatagramChannel.open(group.family());
    try {
      // Other LSD clients on this host (libtorrent does the same) bind 6771 too.
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      InetAddress any =
          InetAddress.getByName(group.family() == StandardProtocolFamily.INET ? "0.0.0.0" : "::");
      channel.bind(new InetSocketAddress(any, LsdGroup.PORT));
      channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, TTL);
      // Two nodes on one host hear each other; each drops its own announces by their cookie.
      channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
      List<NetworkInterface> joined = new ArrayList<>();
      List<MembershipKey> memberships = new ArrayList<>();
      for (NetworkInterface nif : candidates(group)) {
        try {
          memberships.add(channel.join(group.address(), nif));
          joined.add(nif);
        } catch (IOException | UnsupportedOperationException e) {
          LOG.debug("LSD: {} not joined on {}: {}", group, nif.getName(), e.toString());
        }
      }
      if (joined.isEmpty()) {
        channel.close();
        return Optional.empty();
      }
      return Optional.of(new GroupSocket(group, channel, joined, memberships));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The interfaces that are up, can multicast and have an address of {@code group}'s family. */
  private static List<NetworkInterface> candidates(LsdGroup group) throws IOException {
    List<NetworkInterface> found = new ArrayList<>();
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nif.isUp() && nif.supportsMulticast() && hasFamily(nif, group)) {
        found.add(nif);
      }
    }
    return found;
  }

  private static boolean hasFamily(NetworkInterface nif, LsdGroup group) {
    return nif.inetAddresses()
        .anyMatch(
            a -> group == LsdGroup.V4 ? a instanceof Inet4Address : a instanceof Inet6Address);
  }

  LsdGroup group() {
    return group;
  }

  List<NetworkInterface> interfaces() {
    return interfaces;
  }

  /** Sends {@code datagram} to the group on each interface; answers how many took it. */
  int send(byte[] datagram) {
    int sent = 0;
    for (NetworkInterface nif : interfaces) {
      try {
        channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
        channel.send(ByteBuffer.wrap(datagram), group.socketAddress());
        sent++;
      } catch (IOException e) {
        // An interface gone down, or IPv6 still checking its address: the next round tries again.
        LOG.debug("LSD: sending to {} on {} failed: {}", group, nif.getName(), e.toString());
      }
    }
    return sent;
  }

  /**
   * Waits for a datagram, reads it into {@code buffer} (cleared first) and answers its sender, or
   * empty for one this socket ignores: an IPv6 socket hears IPv4 datagrams too (Java's are
   * dual-stack), which the IPv4 socket already has.
   */
  Optional<InetSocketAddress> receive(ByteBuffer buffer) throws IOException {
    buffer.clear();
    SocketAddress from = channel.receive(buffer);
    buffer.flip();
    if (!(from instanceof InetSocketAddress sender)) {
      return Optional.empty();
    }
    if (group == LsdGroup.V6 && sender.getAddress() instanceof Inet4Address) {
      return Optional.empty();
    }
    return Optional.of(sender);
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  /** Leaves the group on every interface and closes the socket. */
  @Override
  public void close() {
    for (MembershipKey membership : memberships) {
      membership.drop();
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("LSD: closing the {} socket: {}", group, e.toString());
    }
  }
}
