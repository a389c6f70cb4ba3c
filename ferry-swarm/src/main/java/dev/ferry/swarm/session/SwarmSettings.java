package dev.ferry.swarm.session;

import dev.ferry.spi.Clock;
import dev.ferry.swarm.ledbat.DelayController;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Swarm} listens and what it allows.
 *
 * @param bindAddress the address the listener binds; null for every address
 * @param port the TCP port peers connect to: 0 for any free one, -1 for no listener at all
 * @param maxConnections peer connections in all, handshakes under way included
 * @param maxConnectionsPerTorrent peer connections of one torrent
 * @param uploadBytesPerSecond the cap on payload sent to peers, across every torrent; 0 for none
 * @param clock the time every decision reads (choking rounds, snubbing, reconnect backoff, the
 *     upload cap)
 * @param uploads where uploads are counted, and may be refused (a monthly cap); {@link
 *     UploadAccount#NONE} by default
 * @param uploadDelayTarget the queuing delay uploads may add in front of the uplink before they are
 *     paced down (LEDBAT's target, {@link DelayController#DEFAULT_TARGET} by default); zero for no
 *     pacing by delay
 */
public record SwarmSettings(
    InetAddress bindAddress,
    int port,
    int maxConnections,
    int maxConnectionsPerTorrent,
    long uploadBytesPerSecond,
    Clock clock,
    UploadAccount uploads,
    Duration uploadDelayTarget) {
  /** Delivery Optimization's port, which Ferry takes for its peers too. */
  public static final int DEFAULT_PORT = 7680;

  public SwarmSettings {
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " out of range (-1 to 65535)");
    }
    if (maxConnections < 1 || maxConnectionsPerTorrent < 1) {
      throw new IllegalArgumentException("connection limits must be positive");
    }
    if (uploadBytesPerSecond < 0) {
      throw new IllegalArgumentException("negative upload cap " + uploadBytesPerSecond);
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(uploads, "uploads");
    if (uploadDelayTarget.isNegative()) {
      throw new IllegalArgumentException("negative upload delay target " + uploadDelayTarget);
    }
  }

  /**
   * Every address, port 7680, 200 connections (50 a torrent), no upload cap, uploads paced by delay
   * at LEDBAT's target, the system clock.
   */
  public static SwarmSettings defaults() {
    return new SwarmSettings(
        null,
        DEFAULT_PORT,
        200,
        50,
        0,
        Clock.SYSTEM,
        UploadAccount.NONE,
        DelayController.DEFAULT_TARGET);
  }

  public SwarmSettings withBindAddress(InetAddress address) {
    return new SwarmSettings(
        address,
        port,
        maxConnections,
        maxConnectionsPerTorrent,
        uploadBytesPerSecond,
        clock,
        uploads,
        uploadDelayTarget);
  }

  public SwarmSettings withPort(int p) {
    return new SwarmSettings(
        bindAddress,
        p,
        maxConnections,
        maxConnectionsPerTorrent,
        uploadBytesPerSecond,
        clock,
        uploads,
        uploadDelayTarget);
  }

  public SwarmSettings withMaxConnections(int total, int perTorrent) {
    return new SwarmSettings(
        bindAddress,
        port,
        total,
        perTorrent,
        uploadBytesPerSecond,
        clock,
        uploads,
        uploadDelayTarget);
  }

  public SwarmSettings withUploadBytesPerSecond(long cap) {
    return new SwarmSettings(
        bindAddress,
        port,
        maxConnections,
        maxConnectionsPerTorrent,
        cap,
        clock,
        uploads,
        uploadDelayTarget);
  }

  public SwarmSettings withClock(Clock c) {
    return new SwarmSettings(
        bindAddress,
        port,
        maxConnections,
        maxConnectionsPerTorrent,
        uploadBytesPerSecond,
        c,
        uploads,
        uploadDelayTarget);
  }

  /** Uploads counted, and refused once a cap is reached, by {@code account}. */
  public SwarmSettings withUploads(UploadAccount account) {
    return new SwarmSettings(
        bindAddress,
        port,
        maxConnections,
        maxConnectionsPerTorrent,
        uploadBytesPerSecond,
        clock,
        account,
        uploadDelayTarget);
  }

  /** Uploads paced by the queuing delay they add, at {@code target}; zero for no pacing. */
  public SwarmSettings withUploadDelayTarget(Duration target) {
    return new SwarmSettings(
        bindAddress,
        port,
        maxConnections,
        maxConnectionsPerTorrent,
        uploadBytesPerSecond,
        clock,
        uploads,
        target);
  }
}
