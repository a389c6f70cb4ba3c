package dev.ferry.swarm.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.FakeClock;
import dev.ferry.swarm.session.UploadAccount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DO's conditions on serving peers, read from a power-supply directory laid out as Linux's and a
 * metered flag the test sets: nothing on a metered connection, nothing on battery by default, and
 * with DOMinBatteryPercentageAllowedToUpload only LAN and group peers above that charge. Readings
 * are refreshed on the calling thread here, so that each call after the clock moved sees the
 * machine anew.
 */
class UploadConditionsTest {
  @TempDir Path sysfs;

  private final FakeClock clock = new FakeClock();
  private final AtomicBoolean metered = new AtomicBoolean();
  private final AtomicInteger probes = new AtomicInteger();

  private MeteredNetwork network() {
    return () -> {
      probes.incrementAndGet();
      return metered.get();
    };
  }

  private void supply(String name, String... files) throws IOException {
    Path dir = Files.createDirectories(sysfs.resolve(name));
    for (int i = 0; i < files.length; i += 2) {
      Files.writeString(dir.resolve(files[i]), files[i + 1] + "\n");
    }
  }

  private void laptop(boolean plugged, String status, int charge) throws IOException {
    supply("AC", "type", "Mains", "online", plugged ? "1" : "0");
    supply("BAT0", "type", "Battery", "status", status, "capacity", Integer.toString(charge));
  }

  @Test
  void aMachineWithoutBatteryOrMeteredNetworkServesEveryPeer() throws IOException {
    supply("AC", "type", "Mains", "online", "1");
    UploadConditions conditions =
        new UploadConditions(
            UploadAccount.NONE, new PowerSupply(sysfs), network(), 0, clock, Runnable::run);
    assertThat(conditions.mayUpload(SourceKind.PEER)).isTrue();
    assertThat(conditions.mayUpload(SourceKind.LAN_PEER)).isTrue();
    UploadConditions nothingToRead =
        new UploadConditions(
            UploadAccount.NONE,
            new PowerSupply(sysfs.resolve("absent")),
            MeteredNetwork.NEVER,
            0,
            clock,
            Runnable::run);
    assertThat(nothingToRead.mayUpload(SourceKind.PEER)).as("cannot tell: serves").isTrue();
  }

  @Test
  void onBatteryNoPeerIsServedByDefault() throws IOException {
    laptop(false, "Discharging", 90);
    UploadConditions conditions =
        new UploadConditions(
            UploadAccount.NONE, new PowerSupply(sysfs), network(), 0, clock, Runnable::run);
    assertThat(conditions.mayUpload(SourceKind.LAN_PEER)).isFalse();
    assertThat(conditions.refusal(SourceKind.LAN_PEER)).contains("the machine runs on battery");
  }

  @Test
  void aBatteryThatChargesOnMainsIsNoBattery() throws IOException {
    laptop(true, "Charging", 10);
    UploadConditions conditions =
        new UploadConditions(
            UploadAccount.NONE, new PowerSupply(sysfs), network(), 0, clock, Runnable::run);
    assertThat(conditions.mayUpload(SourceKind.PEER)).isTrue();
  }

  @Test
  void theBatteryMinimumLetsLanAndGroupPeersInAboveItAndInternetPeersNever() throws IOException {
    laptop(false, "Discharging", 55);
    UploadConditions conditions =
        new UploadConditions(
            UploadAccount.NONE, new PowerSupply(sysfs), network(), 40, clock, Runnable::run);
    assertThat(conditions.mayUpload(SourceKind.LAN_PEER)).isTrue();
    assertThat(conditions.mayUpload(SourceKind.GROUP_PEER)).isTrue();
    assertThat(conditions.mayUpload(SourceKind.PEER)).isFalse();

    laptop(false, "Discharging", 30);
    assertThat(conditions.mayUpload(SourceKind.LAN_PEER))
        .as("the last reading holds for a while")
        .isTrue();
    clock.advance(Duration.ofSeconds(31));
    assertThat(conditions.mayUpload(SourceKind.LAN_PEER)).isFalse();
    assertThat(conditions.refusal(SourceKind.LAN_PEER))
        .contains("the battery is at 30 %, under 40 %");

    laptop(true, "Charging", 31);
    clock.advance(Duration.ofSeconds(31));
    assertThat(conditions.mayUpload(SourceKind.PEER)).as("plugged in again").isTrue();
  }

  @Test
  void aMeteredConnectionServesNoPeerAndTheMachineIsReadOnlyEveryHalfMinute() throws IOException {
    supply("AC", "type", "Mains", "online", "1");
    metered.set(true);
    UploadConditions conditions =
        new UploadConditions(
            UploadAccount.NONE, new PowerSupply(sysfs), network(), 0, clock, Runnable::run);
    for (int i = 0; i < 100; i++) {
      assertThat(conditions.mayUpload(SourceKind.LAN_PEER)).isFalse();
    }
    assertThat(probes).hasValue(1);
    assertThat(conditions.refusal(SourceKind.PEER)).contains("the connection is metered");
    metered.set(false);
    clock.advance(Duration.ofSeconds(30));
    assertThat(conditions.mayUpload(SourceKind.LAN_PEER)).isTrue();
  }

  @Test
  void theGuardedAccountStillDecidesAndCounts() {
    AtomicInteger counted = new AtomicInteger();
    UploadAccount capped =
        new UploadAccount() {
          @Override
          public boolean mayUpload(SourceKind peer) {
            return !SourceKind.PEER.equals(peer);
          }

          @Override
          public void uploaded(SourceKind peer, long bytes) {
            counted.addAndGet((int) bytes);
          }
        };
    UploadConditions conditions =
        new UploadConditions(
            capped, new PowerSupply(sysfs), MeteredNetwork.NEVER, 0, clock, Runnable::run);
    assertThat(conditions.mayUpload(SourceKind.PEER)).isFalse();
    assertThat(conditions.mayUpload(SourceKind.LAN_PEER)).isTrue();
    conditions.uploaded(SourceKind.LAN_PEER, 512);
    assertThat(counted).hasValue(512);
  }

  @Test
  void networkManagersAnswerIsRead() {
    assertThat(MeteredNetwork.parse("u 1\n")).isTrue();
    assertThat(MeteredNetwork.parse("u 3")).isTrue();
    assertThat(MeteredNetwork.parse("u 2")).isFalse();
    assertThat(MeteredNetwork.parse("u 4")).isFalse();
    assertThat(MeteredNetwork.parse("Failed to get property")).isFalse();
  }
}
