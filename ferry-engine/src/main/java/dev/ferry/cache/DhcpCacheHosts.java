package dev.ferry.cache;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.FerryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache hosts a DHCP server hands out in option 235, as DO's DOCacheHostSource reads them: a
 * text of host names or addresses separated by commas. Linux keeps no single record of a lease's
 * options, so this reads the lease files of the common DHCP clients, newest first: ISC dhclient's
 * (Debian's ifupdown, and NetworkManager with its dhclient back end), which write an option they
 * have no name for as {@code option unknown-235 "text";} or as colon-separated hex bytes, and
 * systemd-networkd's, which keeps private options (224 to 254) as {@code OPTION_235=hex}.
 */
public final class DhcpCacheHosts {
  private static final Logger log = LoggerFactory.getLogger(DhcpCacheHosts.class);

  /** DO's option: a private-use code, set up on the DHCP server as text. */
  public static final int OPTION = 235;

  /** Where the DHCP clients of Debian and its relatives keep their leases. */
  public static final List<Path> LEASE_PLACES =
      List.of(
          Path.of("/var/lib/dhcp"),
          Path.of("/var/lib/dhclient"),
          Path.of("/var/lib/NetworkManager"),
          Path.of("/run/systemd/netif/leases"));

  private static final Pattern DHCLIENT =
      Pattern.compile(
          "option\\s+unknown-" + OPTION + "\\s+(\"((?:[^\"\\\\]|\\\\.)*)\"|[0-9a-fA-F:]+)\\s*;");

  private static final Pattern NETWORKD =
      Pattern.compile("(?m)^OPTION_" + OPTION + "=([0-9a-fA-F]+)\\s*$");

  private DhcpCacheHosts() {}

  /**
   * The cache hosts of the newest lease in {@code places} (directories of lease files) that carries
   * option 235; empty when none does, or when what it carries is not a list of hosts.
   */
  public static List<String> find(List<Path> places) {
    for (Path lease : leasesNewestFirst(places)) {
      Optional<String> text;
      try {
        text = optionIn(Files.readString(lease, StandardCharsets.ISO_8859_1));
      } catch (IOException unreadable) {
        continue;
      }
      if (text.isPresent()) {
        try {
          List<String> hosts = ArgumentRules.cacheHosts(text.get());
          log.info("DHCP option {} in {} names the cache hosts {}", OPTION, lease, hosts);
          return hosts;
        } catch (FerryException e) {
          log.warn("DHCP option {} in {} is not a list of hosts: {}", OPTION, lease, text.get());
          return List.of();
        }
      }
    }
    return List.of();
  }

  /**
   * The text of option 235 in one lease file: for dhclient's, which appends a block for each lease
   * it gets, the last block's.
   */
  static Optional<String> optionIn(String leaseFile) {
    Matcher networkd = NETWORKD.matcher(leaseFile);
    if (networkd.find()) {
      return Optional.of(text(HexFormat.of().parseHex(networkd.group(1))));
    }
    Matcher dhclient = DHCLIENT.matcher(leaseFile);
    String last = null;
    while (dhclient.find()) {
      last =
          dhclient.group(2) != null
              ? dhclient.group(2).replaceAll("\\\\(.)", "$1")
              : text(HexFormat.ofDelimiter(":").parseHex(dhclient.group(1)));
    }
    return Optional.ofNullable(last);
  }

  /** An option's bytes as text; DHCP servers often end a text option with a NUL. */
  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1).replace("\0", "").strip();
  }

  private static List<Path> leasesNewestFirst(List<Path> places) {
    List<Path> leases = new ArrayList<>();
    for (Path place : places) {
      if (!Files.isDirectory(place)) {
        continue;
      }
      try (Stream<Path> files = Files.list(place)) {
        files.filter(Files::isRegularFile).forEach(leases::add);
      } catch (IOException unreadable) {
        log.debug("cannot list the leases in {}: {}", place, unreadable.toString());
      }
    }
    leases.sort(Comparator.comparing(DhcpCacheHosts::modified).reversed());
    return leases;
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException gone) {
      return FileTime.fromMillis(0);
    }
  }
}
