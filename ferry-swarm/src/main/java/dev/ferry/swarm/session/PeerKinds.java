package dev.ferry.swarm.session;

import dev.ferry.spi.SourceKind;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which kind of peer an address is, as DO's statistics separate them: a peer on this machine's
 * network (DO's LAN peers are reached over private addresses behind the same public one), else a
 * peer of the group where the download is in Group mode, else an Internet peer.
 */
public final class PeerKinds {
  private PeerKinds() {}

  /**
   * @param group whether the download is in Group mode, so that peers beyond the LAN were found as
   *     the group's
   */
  public static SourceKind of(InetAddress address, boolean group) {
    if (isLocal(address)) {
      return SourceKind.LAN_PEER;
    }
    return group ? SourceKind.GROUP_PEER : SourceKind.PEER;
  }

  /** Loopback, link-local, private (RFC 1918) or unique local (fc00::/7). */
  static boolean isLocal(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isAnyLocalAddress()) {
      return true;
    }
    return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
  }
}
