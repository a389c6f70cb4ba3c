package dev.ferry.swarm.ledbat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * LEDBAT's controller (RFC 6817) on a rate rather than a window: each round it takes the queuing
 * delay the uploads cause, the least round-trip time over base delay of the connections that
 * carried uploads (a connection's base delay: the least it showed over the last ten minutes, or the
 * kernel's own minimum where less: a connection first read once its queue had built would else take
 * the full queue as its base), and moves the rate toward the one that keeps that delay at the
 * target: down in proportion to the excess (from what the link delivered, the bytes the peers
 * acknowledged), up in proportion to the room left. Until the delay first passes the target,
 * uploads are not paced at all; the rate never grows past twice what was sent, so that it does not
 * climb while the uploads had less to send than it allowed, and is not cut for that either.
 *
 * <p>Why the least: a round-trip time also holds the queue on the way back, in front of the peer's
 * own uplink, which is full when that peer uploads too (every machine of a swarm does). Taking the
 * largest, each machine paced its uploads down for the others' queues, and a whole swarm fell to
 * the least rate. The queue in front of this machine's uplink is in every connection's delay; the
 * least of them is that queue with the least of the others'.
 */
public final class DelayController {
  /** RFC 6817's ceiling for the target, and libtorrent's uTP default. */
  public static final Duration DEFAULT_TARGET = Duration.ofMillis(100);

  /** The least rate: peers keep getting something while the link is busy. */
  static final long MIN_RATE = 32 * 1024;

  /** How many minutes of minima make a connection's base delay (RFC 6817's BASE_HISTORY). */
  private static final int BASE_HISTORY = 10;

  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

  /** A connection not read for this long is forgotten. */
  private static final long FORGET = 2 * MINUTE;

  private final long target;
  private final Map<InetSocketAddress, Link> links = new HashMap<>();

  /** The rate allowed, bytes per second; 0 until the delay first passes the target. */
  private long rate;

  /** What one connection showed: its minima by minute, and what it had acknowledged. */
  private static final class Link {
    final ArrayDeque<long[]> minima = new ArrayDeque<>(); // {minute start, least rtt}
    long acked;
    long seenAt;

    long base() {
      long least = Long.MAX_VALUE;
      for (long[] minute : minima) {
        least = Math.min(least, minute[1]);
      }
      return least;
    }

    void add(long now, long rtt) {
      long[] last = minima.peekLast();
      if (last == null || now - last[0] >= MINUTE) {
        minima.addLast(new long[] {now, rtt});
        while (minima.size() > BASE_HISTORY) {
          minima.removeFirst();
        }
      } else {
        last[1] = Math.min(last[1], rtt);
      }
    }
  }

  public DelayController(Duration target) {
    if (target.isNegative() || target.isZero()) {
      throw new IllegalArgumentException("the target delay must be positive: " + target);
    }
    this.target = target.toNanos();
  }

  /**
   * One round: the connections' readings at {@code now} (nanoseconds, monotonic) and the bytes sent
   * to peers since the last round, {@code seconds} long; the rate to allow next, 0 for no pace.
   */
  public long round(long now, List<RttSample> samples, long sentBytes, double seconds) {
    long queuing = -1;
    long delivered = 0;
    for (RttSample sample : samples) {
      Link link = links.get(sample.peer());
      boolean known = link != null;
      if (!known) {
        link = new Link();
        links.put(sample.peer(), link);
      }
      boolean carried = sample.bytesAcked() > link.acked;
      if (known && carried) {
        delivered += sample.bytesAcked() - link.acked;
      }
      link.acked = sample.bytesAcked();
      link.seenAt = now;
      link.add(now, sample.rttNanos());
      long base = link.base();
      if (sample.minRttNanos() > 0) {
        base = Math.min(base, sample.minRttNanos());
      }
      if (carried) {
        long delay = Math.max(0, sample.rttNanos() - base);
        queuing = queuing < 0 ? delay : Math.min(queuing, delay);
      }
    }
    for (Iterator<Link> it = links.values().iterator(); it.hasNext(); ) {
      if (now - it.next().seenAt > FORGET) {
        it.remove();
      }
    }
    if (queuing < 0 || seconds <= 0) {
      return rate;
    }
    long sentRate = (long) (sentBytes / seconds);
    double offTarget = (target - queuing) / (double) target;
    if (rate == 0) {
      if (offTarget >= 0) {
        return 0;
      }
      // The first time the queue passes the target: pace from what was sent.
      rate = Math.max(MIN_RATE, sentRate);
    }
    if (offTarget < 0) {
      // Down in proportion to the excess, at most by half a round, from what the peers
      // acknowledged (what the link delivered), not from the rate allowed: what was handed to the
      // sockets beyond the link waits in their buffers and reaches the queue over the next
      // seconds. Cut from the rate again each round while that drained, the rate fell far under
      // the link, and the uploads left it idle for as long again.
      long from = delivered > 0 ? (long) (delivered / seconds) : rate;
      rate = (long) (from * Math.max(0.5, 1 + offTarget / 2));
    } else {
      // Up, but not past twice what was sent: uploads that had less to send than the rate let
      // them tell nothing of the room left. Nor down for it: a second in which peers asked for
      // little (none wanted what this machine had, until its next piece) says nothing of the
      // queue either, and a rate cut to the least then takes many seconds to climb back, while
      // every peer waits on that next piece.
      long grown = (long) (rate * (1 + offTarget / 4));
      rate = Math.max(rate, Math.min(grown, Math.max(2 * sentRate, MIN_RATE)));
    }
    rate = Math.max(MIN_RATE, rate);
    return rate;
  }

  /** The rate allowed now, bytes per second; 0 for no pace. */
  public long rate() {
    return rate;
  }

  /** The queuing delay target. */
  public Duration target() {
    return Duration.ofNanos(target);
  }
}
