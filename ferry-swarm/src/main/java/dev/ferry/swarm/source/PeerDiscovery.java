package dev.ferry.swarm.source;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.FerryException;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.spi.Clock;
import dev.ferry.swarm.discovery.PeerRestriction;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * How this machine finds peers, and what a download without a DownloadMode of its own does: DO's
 * DownloadMode, DOGroupID, DORestrictPeerSelectionBy, and the trackers (BitTorrent's stand-in for
 * DO's cloud service).
 *
 * <ul>
 *   <li>HTTP only (0), Simple (99) and Bypass (100): no peers at all.
 *   <li>LAN (1), DO's default: BEP 14 local service discovery, and the trackers if there are any;
 *       peers are taken from this machine's subnets only while {@code restriction} is SUBNET, which
 *       is Windows 11's default.
 *   <li>Group (2): the trackers and the local network, under a key only the group's members can
 *       derive ({@link dev.ferry.swarm.content.SwarmKey#forGroup}), from any address. Without a
 *       Group ID it is LAN. The Group ID is a scope, not a credential.
 *   <li>Internet (3): the trackers and the local network under the content's public key, from any
 *       address.
 * </ul>
 *
 * Peers a job names (PEERS, {@code --peer}) are connected whatever the mode allows to be found.
 *
 * @param mode the DownloadMode of a download that sets none
 * @param group the Group ID of Group mode
 * @param trackers the trackers announced to (http, https or udp URLs)
 * @param restriction which found peers are taken in LAN mode
 * @param localDiscovery whether BEP 14 is used (off where multicast is unwanted)
 * @param clock what announces wait on
 */
public record PeerDiscovery(
    DownloadMode mode,
    Optional<UUID> group,
    List<URI> trackers,
    PeerRestriction restriction,
    boolean localDiscovery,
    Clock clock) {
  public PeerDiscovery {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(restriction, "restriction");
    Objects.requireNonNull(clock, "clock");
    trackers = List.copyOf(trackers);
  }

  /** DO's defaults: LAN mode, no group, no trackers, peers of this machine's subnets. */
  public static PeerDiscovery defaults() {
    return new PeerDiscovery(
        DownloadMode.LAN, Optional.empty(), List.of(), PeerRestriction.SUBNET, true, Clock.SYSTEM);
  }

  /** Only the peers downloads name: nothing is announced or listened for. */
  public static PeerDiscovery knownPeersOnly() {
    return defaults().withLocalDiscovery(false);
  }

  public PeerDiscovery withMode(DownloadMode m) {
    return new PeerDiscovery(m, group, trackers, restriction, localDiscovery, clock);
  }

  public PeerDiscovery withGroup(UUID g) {
    return new PeerDiscovery(
        mode, Optional.ofNullable(g), trackers, restriction, localDiscovery, clock);
  }

  public PeerDiscovery withTrackers(List<URI> t) {
    return new PeerDiscovery(mode, group, t, restriction, localDiscovery, clock);
  }

  public PeerDiscovery withRestriction(PeerRestriction r) {
    return new PeerDiscovery(mode, group, trackers, r, localDiscovery, clock);
  }

  public PeerDiscovery withLocalDiscovery(boolean on) {
    return new PeerDiscovery(mode, group, trackers, restriction, on, clock);
  }

  public PeerDiscovery withClock(Clock c) {
    return new PeerDiscovery(mode, group, trackers, restriction, localDiscovery, c);
  }

  /** Whether {@code m} lets peers be asked at all. */
  public static boolean allowsPeers(DownloadMode m) {
    return m == DownloadMode.LAN || m == DownloadMode.GROUP || m == DownloadMode.INTERNET;
  }

  /**
   * A DownloadMode by name as the command line gives it (http, lan, group, internet, simple) or by
   * DO's number; IllegalArgumentException says which are accepted.
   */
  public static DownloadMode mode(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "http", "http-only", "cdn", "0" -> DownloadMode.CDN_ONLY;
      case "lan", "1" -> DownloadMode.LAN;
      case "group", "2" -> DownloadMode.GROUP;
      case "internet", "3" -> DownloadMode.INTERNET;
      case "simple", "99" -> DownloadMode.SIMPLE;
      default ->
          throw new IllegalArgumentException(
              "'" + text + "' is not a download mode: http, lan, group, internet or simple");
    };
  }

  /**
   * A Group ID: a GUID, with or without braces; IllegalArgumentException otherwise. The rule is the
   * job property GROUP_ID's ({@link ArgumentRules#groupId}), so the machine and its downloads take
   * the same values.
   */
  public static UUID group(String text) {
    try {
      return ArgumentRules.groupId(text);
    } catch (FerryException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * A tracker's announce URL: http, https or udp, with a host; IllegalArgumentException otherwise.
   * The rule is the job property TRACKERS's ({@link ArgumentRules#tracker}).
   */
  public static URI tracker(String text) {
    try {
      return ArgumentRules.tracker(text);
    } catch (FerryException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
