package dev.ferry.swarm.discovery;

import java.net.InetAddress;

/**
 * An address and its prefix length, as an interface carries them ({@code 10.77.1.1/24}): the
 * addresses that share the first {@code prefixLength} bits are its subnet.
 *
 * @param address any address in the subnet (the interface's own, typically)
 * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record Subnet(InetAddress address, int prefixLength) {
  public Subnet {
    int bits = address.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " out of range (0 to " + bits + ")");
    }
  }

  /**
   * Whether {@code other} is in this subnet: the same family and the same leading bits. An IPv6
   * scope (the interface of a link-local address) is not compared: a datagram's sender and the
   * interface it came in on agree on it.
   */
  public boolean contains(InetAddress other) {
    byte[] mine = address.getAddress();
    byte[] theirs = other.getAddress();
    if (mine.length != theirs.length) {
      return false;
    }
    int whole = prefixLength / 8;
    for (int i = 0; i < whole; i++) {
      if (mine[i] != theirs[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (mine[whole] & mask) == (theirs[whole] & mask);
  }

  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
