package dev.ferry.engine.transfer;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How many connections fetch one file at once, and the threads of those beyond the first. A file
 * starts with {@link #INITIAL_CONNECTIONS}; a thread doubles them while doubling raises the rate by
 * {@link #GAIN} (quadruples after a doubling that raised it by {@link #LEAP}), since a server that
 * limits each connection (nginx's limit_rate, many CDNs) gives more in total to more connections,
 * while on a fast link the CPU or the disk is the limit and more connections only cost. The first
 * doubling comes after one {@link #INTERVAL} unconditionally (there is nothing to compare it with
 * yet). A file keeps the connections it has, and no step starts once the rest of the file is too
 * small to split among them. Figures behind the constants are in bench/README.md.
 */
final class ConnectionRamp {
  /**
   * Connections a FOREGROUND file starts with: two already use both cores where the CPU is the
   * limit, and every connection beyond costs it.
   */
  static final int INITIAL_CONNECTIONS = 2;

  /** How long the rate is measured before and after each doubling of the connections. */
  private static final Duration INTERVAL = Duration.ofMillis(200);

  /** A doubling pays when the rate rises at least this much. */
  private static final double GAIN = 1.25;

  /**
   * A doubling that raised the rate this much found each connection held to a rate of its own: the
   * next step quadruples.
   */
  private static final double LEAP = 1.75;

  private final TransferContext transfer;

  /** What a helper connection does: fetch parts until nothing is left. */
  private final Runnable helper;

  /** Whether more connections may still help (not once the transfer stops, say). */
  private final BooleanSupplier wanted;

  /** The threads of the helper connections, ended or not. */
  private final List<Thread> helpers = new CopyOnWriteArrayList<>();

  /** The thread that adds connections. */
  private Thread ramp;

  /** Tells the ramp's thread to end: the transfer is winding its connections down. */
  private volatile boolean done;

  ConnectionRamp(TransferContext transfer, Runnable helper, BooleanSupplier wanted) {
    this.transfer = transfer;
    this.helper = helper;
    this.wanted = wanted;
  }

  /**
   * Starts the helpers beside the first connection, enough to make {@link #INITIAL_CONNECTIONS},
   * and the thread that adds more while they pay.
   */
  void start() {
    int most = transfer.settings().connections();
    int initial = Math.min(most, INITIAL_CONNECTIONS);
    add(1, initial - 1);
    if (most > initial) {
      ramp = Thread.ofVirtual().name("ferry-connection-ramp").start(() -> run(initial));
    }
  }

  /** Stops adding connections and waits until every helper has ended. */
  void finish() {
    StopSignal stop = transfer.stop();
    done = true;
    Thread ramping = ramp;
    if (ramping != null) {
      LockSupport.unpark(ramping);
      stop.join(ramping);
    }
    transfer.segments().wakeAll();
    for (Thread h : helpers) {
      stop.join(h);
    }
  }

  private void add(int first, int count) {
    for (int i = first; i < first + count; i++) {
      helpers.add(Thread.ofVirtual().name("ferry-connection-" + i).start(helper));
    }
  }

  private void run(int initial) {
    int most = transfer.settings().connections();
    Clock clock = transfer.clock();
    FileState state = transfer.state();
    int connections = initial;
    long lastBytes = state.bytesReceived();
    long lastNanos = clock.nanoTime();
    double lastRate = -1;
    while (connections < most) {
      LockSupport.parkNanos(INTERVAL.toNanos());
      if (done || !wanted.getAsBoolean()) {
        return;
      }
      long bytes = state.bytesReceived();
      long nanos = clock.nanoTime();
      double rate = (bytes - lastBytes) / (double) Math.max(1, nanos - lastNanos);
      lastBytes = bytes;
      lastNanos = nanos;
      long left = state.bytesTotal() - state.bytesTransferred();
      if ((lastRate >= 0 && rate < lastRate * GAIN)
          || left < 2 * transfer.settings().minimumSplit() * connections) {
        return;
      }
      int factor = lastRate > 0 && rate >= lastRate * LEAP ? 4 : 2;
      int more = Math.min(connections * (factor - 1), most - connections);
      add(connections, more);
      connections += more;
      lastRate = rate;
    }
  }
}
