package dev.ferry.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DHCP option 235 read from the lease files of real DHCP clients' formats. */
class DhcpCacheHostsTest {
  @TempDir Path tmp;

  /** Two leases as ISC dhclient appends them; the second one's option is the one in force. */
  private static final String DHCLIENT =
      """
      lease {
        interface "eth0";
        fixed-address 10.0.0.17;
        option subnet-mask 255.255.255.0;
        option unknown-235 "old-cache.example";
        renew 3 2026/12/02 09:00:00;
      }
      lease {
        interface "eth0";
        fixed-address 10.0.0.17;
        option routers 10.0.0.1;
        option unknown-235 "mcc1.example,10.0.0.5:8080";
        option domain-name "corp.example";
        renew 0 2026/12/06 21:00:00;
      }
      """;

  @Test
  void dhclientsQuotedTextOfTheLastLease() {
    assertThat(DhcpCacheHosts.optionIn(DHCLIENT)).contains("mcc1.example,10.0.0.5:8080");
  }

  @Test
  void dhclientsHexBytesWithTheNulServersAppend() {
    String lease = "lease {\n  option unknown-235 6d:63:63:2e:6c:61:6e:00;\n}\n";
    assertThat(DhcpCacheHosts.optionIn(lease)).contains("mcc.lan");
  }

  @Test
  void networkdsPrivateOption() {
    String lease =
        """
        # This is private data. Do not parse.
        ADDRESS=10.0.0.17
        ROUTER=10.0.0.1
        OPTION_224=0102
        OPTION_235=6d6363312e6578616d706c652c6d6363322e6578616d706c65
        """;
    assertThat(DhcpCacheHosts.optionIn(lease)).contains("mcc1.example,mcc2.example");
  }

  @Test
  void aLeaseWithoutTheOptionHasNone() {
    assertThat(DhcpCacheHosts.optionIn("lease {\n  option unknown-236 \"x\";\n}\n")).isEmpty();
    assertThat(DhcpCacheHosts.optionIn("OPTION_2350=41\n")).isEmpty();
  }

  @Test
  void theNewestLeaseThatCarriesTheOptionWins() throws Exception {
    Path dhcp = Files.createDirectories(tmp.resolve("dhcp"));
    Path networkd = Files.createDirectories(tmp.resolve("leases"));
    Path old = Files.writeString(dhcp.resolve("dhclient.eth0.leases"), DHCLIENT);
    Path newer = Files.writeString(networkd.resolve("2"), "OPTION_235=6e65772e6578616d706c65\n");
    Path newest = Files.writeString(networkd.resolve("3"), "ADDRESS=192.168.1.9\n");
    Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2026-12-01T00:00:00Z")));
    Files.setLastModifiedTime(newer, FileTime.from(Instant.parse("2026-12-05T00:00:00Z")));
    Files.setLastModifiedTime(newest, FileTime.from(Instant.parse("2026-12-06T00:00:00Z")));

    List<Path> places = List.of(dhcp, networkd, tmp.resolve("absent"));
    assertThat(DhcpCacheHosts.find(places)).containsExactly("new.example");
    Files.delete(newer);
    assertThat(DhcpCacheHosts.find(places)).containsExactly("mcc1.example", "10.0.0.5:8080");
  }

  @Test
  void anOptionThatIsNoListOfHostsGivesNone() throws Exception {
    Files.writeString(tmp.resolve("lease"), "OPTION_235=687474703a2f2f782f\n");
    assertThat(DhcpCacheHosts.find(List.of(tmp))).isEmpty();
  }

  @Test
  void discoveryAsDoCacheHostSourceSays() {
    CacheSettings configured =
        new CacheSettings(List.of("c1"), CacheSettings.UNSET, CacheSettings.UNSET);
    CacheSettings none = new CacheSettings(List.of(), CacheSettings.UNSET, CacheSettings.UNSET);
    AtomicInteger asked = new AtomicInteger();
    java.util.function.Supplier<List<String>> dhcp =
        () -> {
          asked.incrementAndGet();
          return List.of("d1");
        };

    assertThat(configured.discovered(dhcp).hosts()).containsExactly("c1");
    assertThat(none.withDiscovery(CacheSettings.Discovery.DHCP).discovered(dhcp).hosts())
        .containsExactly("d1");
    assertThat(configured.withDiscovery(CacheSettings.Discovery.DHCP).discovered(dhcp).hosts())
        .as("a configured host wins over DHCP")
        .containsExactly("c1");
    assertThat(asked).as("DHCP is read only when it may matter").hasValue(1);
    assertThat(
            configured.withDiscovery(CacheSettings.Discovery.DHCP_FORCE).discovered(dhcp).hosts())
        .containsExactly("d1");
    assertThat(
            configured
                .withDiscovery(CacheSettings.Discovery.DHCP_FORCE)
                .discovered(List::of)
                .hosts())
        .as("no lease option: the configured hosts")
        .containsExactly("c1");
  }
}
