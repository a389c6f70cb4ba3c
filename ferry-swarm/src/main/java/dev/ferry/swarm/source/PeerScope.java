package dev.ferry.swarm.source;

import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.spi.FileRef;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Where one download (or one seed) looks for peers: its DownloadMode, Group ID and trackers, each
 * the download's own (DOWNLOAD_MODE, GROUP_ID, TRACKERS) where it set one, else the machine's
 * ({@link PeerDiscovery}). DO sets the Group ID per machine or per download; the trackers stand in
 * for DO's cloud service, which a download may name too.
 *
 * @param mode the DownloadMode
 * @param group the Group ID of Group mode
 * @param trackers the trackers announced to (http, https or udp URLs)
 */
public record PeerScope(DownloadMode mode, Optional<UUID> group, List<URI> trackers) {
  public PeerScope {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(group, "group");
    trackers = List.copyOf(trackers);
  }

  /** The machine's scope: what a seed, or a download that sets nothing, uses. */
  public static PeerScope of(PeerDiscovery machine) {
    return new PeerScope(machine.mode(), machine.group(), machine.trackers());
  }

  /** {@code file}'s: its job's own mode, Group ID and trackers, each else the machine's. */
  public static PeerScope of(FileRef file, PeerDiscovery machine) {
    List<URI> own = ContentDescriptions.trackers(file);
    return new PeerScope(
        ContentDescriptions.mode(file, machine.mode()),
        ContentDescriptions.group(file).or(machine::group),
        own.isEmpty() ? machine.trackers() : own);
  }

  /** Whether peers are found as a group's: Group mode with a Group ID (else it is LAN mode). */
  public boolean grouped() {
    return mode == DownloadMode.GROUP && group.isPresent();
  }
}
