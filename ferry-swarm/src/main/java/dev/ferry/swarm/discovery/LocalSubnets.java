package dev.ferry.swarm.discovery;

import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;

/**
 * The subnets this host is on, one for each address of each interface that is up, with the prefix
 * length the interface gives it: Delivery Optimization's DORestrictPeerSelectionBy "subnet mask"
 * keeps to peers in one of them. A snapshot: the interfaces are read when it is made.
 */
public final class LocalSubnets {
  private final List<Subnet> subnets;

  private LocalSubnets(List<Subnet> subnets) {
    this.subnets = List.copyOf(subnets);
  }

  /** These subnets, for tests and for a host whose interfaces are known otherwise. */
  public static LocalSubnets of(Collection<Subnet> subnets) {
    return new LocalSubnets(new ArrayList<>(subnets));
  }

  /** This host's subnets now; none when the interfaces cannot be read. */
  public static LocalSubnets ofHost() {
    List<Subnet> found = new ArrayList<>();
    try {
      Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
      while (all != null && all.hasMoreElements()) {
        NetworkInterface nif = all.nextElement();
        if (!nif.isUp()) {
          continue;
        }
        for (InterfaceAddress address : nif.getInterfaceAddresses()) {
          // Java gives -1 where the prefix is unknown; no subnet can be drawn from that.
          if (address.getAddress() != null && address.getNetworkPrefixLength() >= 0) {
            found.add(subnet(address.getAddress(), address.getNetworkPrefixLength()));
          }
        }
      }
    } catch (SocketException e) {
      // No subnets: with the restriction on, no peer is accepted rather than any.
    }
    return new LocalSubnets(found);
  }

  private static Subnet subnet(InetAddress address, short prefix) {
    // An IPv4 address has been seen with an IPv6-sized prefix on some systems: clamp it.
    return new Subnet(address, Math.min(prefix, address.getAddress().length * 8));
  }

  /** Whether {@code address} is in one of these subnets. */
  public boolean contains(InetAddress address) {
    for (Subnet subnet : subnets) {
      if (subnet.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public List<Subnet> subnets() {
    return subnets;
  }

  @Override
  public String toString() {
    return subnets.toString();
  }
}
