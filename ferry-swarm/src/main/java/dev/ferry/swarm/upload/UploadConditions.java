package dev.ferry.swarm.upload;

import dev.ferry.spi.Clock;
import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.session.UploadAccount;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upload account that first asks whether the machine may serve peers now, as DO decides: no peer
 * on a metered connection; on battery, none unless DOMinBatteryPercentageAllowedToUpload is set,
 * and then LAN and group peers only while the charge is at least that. The machine is read again at
 * most every {@link #RECHECK_NANOS}, on the {@code refresher} given: the swarm asks before every
 * block, holding a session's lock, and reading NetworkManager starts a process.
 */
public final class UploadConditions implements UploadAccount {
  /** How long a reading of the machine holds. */
  static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final UploadAccount account;
  private final PowerSupply power;
  private final MeteredNetwork network;
  private final int minBatteryPercent;
  private final Clock clock;
  private final Executor refresher;
  private final AtomicBoolean refreshing = new AtomicBoolean();

  private volatile Reading reading;

  /** What the machine said, and when. */
  private record Reading(long at, boolean metered, Optional<Integer> battery) {}

  /**
   * @param minBatteryPercent DOMinBatteryPercentageAllowedToUpload: 0 for no uploads on battery,
   *     else the least charge, in percent, at which LAN and group peers are served on battery
   */
  public UploadConditions(
      UploadAccount account,
      PowerSupply power,
      MeteredNetwork network,
      int minBatteryPercent,
      Clock clock,
      Executor refresher) {
    if (minBatteryPercent < 0 || minBatteryPercent > 100) {
      throw new IllegalArgumentException(
          "DOMinBatteryPercentageAllowedToUpload is 0 to 100, not " + minBatteryPercent);
    }
    this.account = account;
    this.power = power;
    this.network = network;
    this.minBatteryPercent = minBatteryPercent;
    this.clock = clock;
    this.refresher = refresher;
    this.reading = readMachine();
  }

  /** {@code account} guarded by this machine's power supply and NetworkManager. */
  public static UploadConditions ofHost(UploadAccount account, int minBatteryPercent) {
    return new UploadConditions(
        account,
        PowerSupply.ofHost(),
        MeteredNetwork.networkManager(),
        minBatteryPercent,
        Clock.SYSTEM,
        command -> Thread.ofVirtual().name("upload-conditions").start(command));
  }

  @Override
  public boolean mayUpload(SourceKind peer) {
    return allows(peer) && account.mayUpload(peer);
  }

  @Override
  public void uploaded(SourceKind peer, long bytes) {
    account.uploaded(peer, bytes);
  }

  /** Why peers of {@code peer}'s kind are not served now, or empty when they may be. */
  public Optional<String> refusal(SourceKind peer) {
    Reading now = read();
    if (now.metered()) {
      return Optional.of("the connection is metered");
    }
    if (now.battery().isPresent()) {
      int charge = now.battery().get();
      if (minBatteryPercent == 0) {
        return Optional.of("the machine runs on battery");
      }
      if (SourceKind.PEER.equals(peer)) {
        return Optional.of("the machine runs on battery: Internet peers are not served");
      }
      if (charge < minBatteryPercent) {
        return Optional.of("the battery is at " + charge + " %, under " + minBatteryPercent + " %");
      }
    }
    return Optional.empty();
  }

  private boolean allows(SourceKind peer) {
    return refusal(peer).isEmpty();
  }

  /** The last reading; one older than {@link #RECHECK_NANOS} is refreshed, for later calls. */
  private Reading read() {
    Reading last = reading;
    if (clock.nanoTime() - last.at() >= RECHECK_NANOS && refreshing.compareAndSet(false, true)) {
      refresher.execute(() -> {
        try {
          reading = readMachine();
        } finally {
          refreshing.set(false);
        }
      });
    }
    return reading;
  }

  private Reading readMachine() {
    return new Reading(clock.nanoTime(), network.isMetered(), power.onBattery());
  }
}
