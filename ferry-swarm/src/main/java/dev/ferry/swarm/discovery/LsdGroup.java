package dev.ferry.swarm.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;

/** BEP 14's two multicast groups, both on port 6771, and the Host header that names each. */
public enum LsdGroup {
  /** Organisation-local IPv4. */
  V4(StandardProtocolFamily.INET, "239.192.152.143", "239.192.152.143:6771"),
  /** Site-local IPv6, its Host header in RFC 2732's brackets. */
  V6(StandardProtocolFamily.INET6, "ff15::efc0:988f", "[ff15::efc0:988f]:6771");

  public static final int PORT = 6771;

  private final StandardProtocolFamily family;
  private final InetAddress address;
  private final String host;

  LsdGroup(StandardProtocolFamily family, String literal, String host) {
    this.family = family;
    try {
      // A literal: no name is looked up.
      this.address = InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
    this.host = host;
  }

  public StandardProtocolFamily family() {
    return family;
  }

  public InetAddress address() {
    return address;
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(address, PORT);
  }

  /** The Host header's value for announces sent to this group. */
  public String host() {
    return host;
  }
}
