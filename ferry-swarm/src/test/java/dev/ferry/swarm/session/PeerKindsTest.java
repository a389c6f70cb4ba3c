package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.spi.SourceKind;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Peers are LAN, group or Internet peers by their address and the download's mode. */
class PeerKindsTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, false, lan-peer",
    "10.88.1.7, true, lan-peer",
    "172.16.0.1, false, lan-peer",
    "192.168.1.20, false, lan-peer",
    "169.254.3.4, false, lan-peer",
    "::1, false, lan-peer",
    "fe80::1, false, lan-peer",
    "fd12:3456::1, true, lan-peer",
    "203.0.113.9, false, peer",
    "203.0.113.9, true, group-peer",
    "172.32.0.1, false, peer",
    "2001:db8::1, false, peer",
    "2001:db8::1, true, group-peer",
    "::ffff:192.168.1.1, false, lan-peer",
  })
  void anAddressIsOfTheLanElseOfTheGroupInGroupModeElseOfTheInternet(
      String address, boolean group, String kind) throws Exception {
    assertThat(PeerKinds.of(InetAddress.getByName(address), group)).isEqualTo(new SourceKind(kind));
  }
}
