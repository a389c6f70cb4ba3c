package dev.ferry.swarm.session;

import dev.ferry.spi.Clock;
import dev.ferry.swarm.ledbat.DelayController;
import dev.ferry.swarm.ledbat.RttSample;
import dev.ferry.swarm.ledbat.SocketRtts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces a swarm's uploads by the delay they queue in front of the uplink ({@link DelayController}),
 * once a second: what the swarm sent, the round-trip times of its connections to peers ({@link
 * SocketRtts}), and the rate that follows set on the {@link UploadLimiter}. A round in which
 * nothing was sent reads nothing, so a swarm that never uploads starts no process.
 */
final class UploadPacing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadPacing.class);

  private static final long ROUND_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final DelayController controller;
  private final SocketRtts rtts;
  private final Swarm swarm;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean closed;
  private long lastSent;
  private long lastAt;

  private UploadPacing(Swarm swarm, SocketRtts rtts, Duration target, Clock clock) {
    this.controller = new DelayController(target);
    this.rtts = rtts;
    this.swarm = swarm;
    this.clock = clock;
    this.lastAt = clock.nanoTime();
    this.thread = Thread.ofVirtual().name("upload-pacing").unstarted(this::run);
  }

  static UploadPacing start(Swarm swarm, SocketRtts rtts, Duration target, Clock clock) {
    UploadPacing pacing = new UploadPacing(swarm, rtts, target, clock);
    pacing.thread.start();
    return pacing;
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(Duration.ofNanos(ROUND_NANOS));
      } catch (InterruptedException e) {
        return;
      }
      round();
    }
  }

  /** One round; package-private so that a test can drive rounds itself. */
  void round() {
    long now = clock.nanoTime();
    long sent = swarm.totals().bytesUploaded();
    long delta = sent - lastSent;
    double seconds = (now - lastAt) / 1e9;
    lastSent = sent;
    lastAt = now;
    if (delta <= 0 && controller.rate() == 0) {
      return;
    }
    Set<InetSocketAddress> peers = swarm.peerAddresses();
    List<RttSample> samples = new ArrayList<>();
    for (RttSample sample : rtts.read()) {
      if (peers.contains(sample.peer())) {
        samples.add(sample);
      }
    }
    long before = controller.rate();
    long rate = controller.round(now, samples, delta, seconds);
    if (rate != before) {
      log.debug(
          "uploads paced at {} B/s ({} B/s sent; target delay {})",
          rate,
          (long) (delta / Math.max(seconds, 1e-9)),
          controller.target());
    }
    swarm.limiter().pace(rate);
  }

  /** The rate uploads are paced at now, 0 for none. */
  long rate() {
    return controller.rate();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    rtts.close();
  }
}
