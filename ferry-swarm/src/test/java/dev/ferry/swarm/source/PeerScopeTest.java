package dev.ferry.swarm.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.spi.FileRef;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A download's own mode, Group ID and trackers, each in place of the machine's where it set one.
 */
class PeerScopeTest {
  private static final UUID MACHINE_GROUP = UUID.fromString("6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70");
  private static final UUID OWN_GROUP = UUID.fromString("0b9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f");
  private static final URI MACHINE_TRACKER = URI.create("http://machine.lan/announce");
  private static final PeerDiscovery MACHINE =
      PeerDiscovery.defaults()
          .withMode(DownloadMode.GROUP)
          .withGroup(MACHINE_GROUP)
          .withTrackers(List.of(MACHINE_TRACKER));

  @Test
  void aDownloadThatSetsNothingHasTheMachinesScope() {
    PeerScope scope = PeerScope.of(file(Map.of()), MACHINE);
    assertThat(scope).isEqualTo(PeerScope.of(MACHINE));
    assertThat(scope.group()).contains(MACHINE_GROUP);
    assertThat(scope.trackers()).containsExactly(MACHINE_TRACKER);
    assertThat(scope.grouped()).isTrue();
    // "" is what the engine gives for TRACKERS left unset: the machine's.
    assertThat(PeerScope.of(file(Map.of(JobPropertyId.TRACKERS, text(""))), MACHINE))
        .isEqualTo(PeerScope.of(MACHINE));
  }

  @Test
  void aDownloadsOwnGroupAndTrackersTakeTheMachinesPlace() {
    PeerScope scope =
        PeerScope.of(
            file(
                Map.of(
                    JobPropertyId.GROUP_ID,
                    text(OWN_GROUP.toString()),
                    JobPropertyId.TRACKERS,
                    text("udp://127.0.0.1:6969,http://own.lan/announce"))),
            MACHINE);
    assertThat(scope.mode()).isEqualTo(DownloadMode.GROUP);
    assertThat(scope.group()).contains(OWN_GROUP);
    assertThat(scope.trackers())
        .containsExactly(URI.create("udp://127.0.0.1:6969"), URI.create("http://own.lan/announce"));
  }

  @Test
  void aDownloadsGroupCountsOnlyInGroupMode() {
    PeerDiscovery lanMachine = PeerDiscovery.defaults();
    PeerScope lan =
        PeerScope.of(file(Map.of(JobPropertyId.GROUP_ID, text(OWN_GROUP.toString()))), lanMachine);
    assertThat(lan.group()).contains(OWN_GROUP);
    assertThat(lan.grouped()).as("LAN mode, the machine's").isFalse();
    PeerScope group =
        PeerScope.of(
            file(
                Map.of(
                    JobPropertyId.GROUP_ID,
                    text(OWN_GROUP.toString()),
                    JobPropertyId.DOWNLOAD_MODE,
                    new JobPropertyValue.Dword(DownloadMode.GROUP.value()))),
            lanMachine);
    assertThat(group.grouped()).isTrue();
    assertThat(group.trackers()).isEmpty();
    assertThat(new PeerScope(DownloadMode.GROUP, Optional.empty(), List.of()).grouped()).isFalse();
  }

  private static FileRef file(Map<JobPropertyId, JobPropertyValue> properties) {
    return new FileRef(UUID.randomUUID(), 0, URI.create("http://origin/f"), false, properties);
  }

  private static JobPropertyValue text(String value) {
    return new JobPropertyValue.Text(value);
  }
}
