package dev.ferry.swarm.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses are this host's neighbours, and DORestrictPeerSelectionBy on them. */
class LocalSubnetsTest {
  private static final LocalSubnets SUBNETS =
      LocalSubnets.of(
          List.of(
              new Subnet(ip("10.77.1.1"), 24),
              new Subnet(ip("192.168.5.130"), 26),
              new Subnet(ip("fe80::1"), 64)));

  @Test
  void aPeerInALocalSubnetIsANeighbour() {
    assertThat(SUBNETS.contains(ip("10.77.1.200"))).isTrue();
    assertThat(SUBNETS.contains(ip("10.77.1.1"))).isTrue();
    assertThat(SUBNETS.contains(ip("192.168.5.128"))).isTrue();
    assertThat(SUBNETS.contains(ip("192.168.5.191"))).isTrue();
    assertThat(SUBNETS.contains(ip("fe80::abcd:1234"))).isTrue();
  }

  @Test
  void aPeerOutsideEverySubnetIsNot() {
    assertThat(SUBNETS.contains(ip("10.77.2.1"))).isFalse();
    assertThat(SUBNETS.contains(ip("192.168.5.127"))).isFalse();
    assertThat(SUBNETS.contains(ip("192.168.5.192"))).isFalse();
    assertThat(SUBNETS.contains(ip("fe80:0:0:1::1"))).isFalse();
    // The same bits in the other family are not the same address.
    assertThat(SUBNETS.contains(ip("::ffff:a4d:1c8"))).isTrue(); // Java reads it as 10.77.1.200
    assertThat(SUBNETS.contains(ip("::a4d:1c8"))).isFalse();
  }

  @Test
  void theRestrictionIsOnByDefaultAndCanBeTurnedOff() {
    InetAddress outside = ip("10.77.2.1");
    assertThat(DiscoverySettings.defaults().restriction()).isEqualTo(PeerRestriction.SUBNET);

    assertThat(PeerRestriction.SUBNET.allows(SUBNETS, outside)).isFalse();
    assertThat(PeerRestriction.SUBNET.allows(SUBNETS, ip("10.77.1.9"))).isTrue();
    assertThat(PeerRestriction.NONE.allows(SUBNETS, outside)).isTrue();
    assertThat(PeerRestriction.SUBNET.allows(LocalSubnets.of(List.of()), ip("10.77.1.9")))
        .isFalse();
  }

  @Test
  void prefixLengthsAreBoundedAndTheEdgesHold() {
    assertThat(new Subnet(ip("1.2.3.4"), 0).contains(ip("200.1.1.1"))).isTrue();
    assertThat(new Subnet(ip("1.2.3.4"), 32).contains(ip("1.2.3.5"))).isFalse();
    assertThat(new Subnet(ip("1.2.3.4"), 31).contains(ip("1.2.3.5"))).isTrue();
    assertThatThrownBy(() -> new Subnet(ip("1.2.3.4"), 33))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Subnet(ip("::1"), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thisHostIsInItsOwnSubnets() {
    // Loopback is up on any machine the tests run on, with its prefix.
    assertThat(LocalSubnets.ofHost().contains(ip("127.0.0.1"))).isTrue();
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
