package dev.ferry.engine.transfer;

import dev.ferry.spi.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How many connections fetch one file at once, and the threads of those beyond the first. A file
 * starts with {@link #INITIAL_CONNECTIONS}; a thread doubles them while doubling raises the rate by
 * {@link #GAIN} (quadruples after a doubling that raised it by {@link #LEAP}), since a server that
 * limits each connection (nginx's limit_rate, many CDNs) gives more in total to more connections,
 * while on a fast link the CPU or the disk is the limit and more connections only cost.
 *
 * <p>A step that does not pay is undone (the connections it added are shed: {@link Segments#shed})
 * and tried again later, after {@link #FIRST_RETRY}, then twice as long each time it does not pay
 * again, up to {@link #LONGEST_RETRY}: one noisy measurement must not hold a whole download at few
 * connections, and a file whose rate does not grow keeps the connections that paid. Figures behind
 * the constants are in bench/README.md.
 *
 * <p>Connections that find nothing left to claim end by themselves; one the ramp no longer wants
 * ends when it asks for more work ({@link #tryRetire}).
 */
final class ConnectionRamp {
  /**
   * Connections a FOREGROUND file starts with: two already use both cores where the CPU is the
   * limit, and every connection beyond costs it.
   */
  static final int INITIAL_CONNECTIONS = 2;

  /** How long the rate is measured before and after each step. */
  private static final Duration INTERVAL = Duration.ofMillis(200);

  /** How many intervals at the lower level a step's rate is compared with (their best). */
  private static final int BASELINE_INTERVALS = 3;

  /** A step pays when the rate rises at least this much. */
  private static final double GAIN = 1.25;

  /**
   * A doubling that raised the rate this much found each connection held to a rate of its own: the
   * next step quadruples.
   */
  private static final double LEAP = 1.75;

  /** How long after a step that did not pay the ramp tries it again. */
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  /** The longest the ramp waits between tries of a step that keeps not paying. */
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(16);

  private final TransferContext transfer;

  /** What a helper connection does; see the constructor. */
  private final BooleanSupplier helper;

  /** Whether more connections may help at all; see the constructor. */
  private final BooleanSupplier wanted;

  /** The threads of the helper connections, ended or not. */
  private final List<Thread> helpers = new CopyOnWriteArrayList<>();

  /** The thread that adds and sheds connections. */
  private Thread ramp;

  /** Tells the ramp's thread to end. */
  private volatile boolean done;

  /** How many connections work, are leaving and are wanted: guarded by the ramp's lock. */
  private final Count count = new Count();

  private static final class Count {
    /** Connections working, the first included. */
    int live;

    /** Connections told to end that have not yet. */
    int retiring;

    /** Connections wanted. */
    int target;
  }

  /**
   * @param helper a helper connection's work: fetch parts until nothing is left; true when it ended
   *     because {@link #tryRetire} said so
   * @param wanted whether more connections may still help (not once the transfer stops or the
   *     server turned out to ignore ranges)
   */
  ConnectionRamp(TransferContext transfer, BooleanSupplier helper, BooleanSupplier wanted) {
    this.transfer = transfer;
    this.helper = helper;
    this.wanted = wanted;
  }

  /**
   * Starts the helpers beside the first connection, which is working, and the thread that adds more
   * while they pay.
   */
  void start() {
    int most = transfer.settings().connections();
    int initial = Math.min(most, INITIAL_CONNECTIONS);
    synchronized (this) {
      count.live = 1;
      count.target = initial;
    }
    add(initial - 1);
    if (most > initial) {
      ramp = Thread.ofVirtual().name("ferry-connection-ramp").start(this::run);
    }
  }

  /** Whether a connection asking for more work should end instead: the ramp wants fewer. */
  synchronized boolean tryRetire() {
    if (count.live - count.retiring > count.target) {
      count.retiring++;
      return true;
    }
    return false;
  }

  /** The first connection stopped working; {@code retired}: because {@link #tryRetire} said so. */
  void leave(boolean retired) {
    synchronized (this) {
      count.live--;
      if (retired) {
        count.retiring--;
      }
    }
  }

  /**
   * Waits until every helper has ended. With {@code rampOn} the ramp goes on meanwhile: the first
   * connection may have ended early (dropped as a straggler, or retired) with much of the file
   * still to fetch. Otherwise (a failure, a stop) it ends first.
   */
  void finish(boolean rampOn) {
    StopSignal stop = transfer.stop();
    if (rampOn) {
      for (Thread h = firstAlive(); h != null; h = firstAlive()) {
        stop.join(h);
      }
    }
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

  private Thread firstAlive() {
    for (Thread h : helpers) {
      if (h.isAlive()) {
        return h;
      }
    }
    return null;
  }

  private void add(int connections) {
    // Each step that did not pay leaves ended threads behind; a long transfer takes many steps.
    helpers.removeIf(h -> !h.isAlive());
    for (int i = 0; i < connections; i++) {
      synchronized (this) {
        count.live++;
      }
      helpers.add(
          Thread.ofVirtual()
              .name("ferry-connection-" + helpers.size())
              .start(() -> {
                boolean retired = false;
                try {
                  retired = helper.getAsBoolean();
                } finally {
                  leave(retired);
                }
              }));
    }
  }

  /** Grows to {@code connections}, counting those that still work; false when nothing was added. */
  private boolean growTo(int connections) {
    int more;
    synchronized (this) {
      count.target = connections;
      more = connections - (count.live - count.retiring);
    }
    if (more <= 0) {
      return false;
    }
    add(more);
    return true;
  }

  /**
   * Goes back to {@code connections}, shedding the parts of the connections added last. Where other
   * sources share the file, none is cut: the origin's requests are a few pieces each, so the
   * connections soon ask for more and retire then ({@link #tryRetire}), while a request cut short
   * loses what the origin already sent for it.
   */
  private void shrinkTo(int connections) {
    int excess;
    synchronized (this) {
      count.target = connections;
      excess = count.live - count.retiring - connections;
    }
    if (excess > 0 && !transfer.planner().hasAlternatives()) {
      transfer.segments().shed(excess);
    }
  }

  /**
   * Whether a step to {@code connections} may start: room for them, work enough for them, and a
   * source that would take their requests now (not while the origin has all it may while peers
   * share the file: a step that cannot pay is undone by cutting the parts begun last, the origin's
   * among them, and what the origin sent for the rest of such a part is lost).
   */
  private boolean mayGrow(int from) {
    int most = transfer.settings().connections();
    FileState state = transfer.state();
    long left = state.bytesTotal() - state.bytesTransferred();
    return from < most
        && left >= 2 * transfer.settings().minimumSplit() * from
        && transfer.planner().hasRoom();
  }

  /**
   * Every {@link #INTERVAL}: while a step is under test, keep it and take the next when it paid,
   * else undo it; while holding, try the next step once its time has come. The first step comes
   * after one interval unconditionally: there is nothing to compare it with yet.
   *
   * <p>A step must beat the best of the last {@link #BASELINE_INTERVALS} intervals before it, not
   * the last one alone: on a busy machine one slow interval at the lower level made any step seem
   * to pay, and a file capped by the bandwidth policy grew connections that could not help.
   */
  private void run() {
    int most = transfer.settings().connections();
    int level = Math.min(most, INITIAL_CONNECTIONS);
    int testing = 0; // the connections of the step under test, or 0 while holding at level
    double before = -1; // the rate at level, which the step under test must beat
    long retry = FIRST_RETRY.toNanos();
    Clock clock = transfer.clock();
    long nextTry = clock.nanoTime();
    long lastBytes = transfer.state().bytesReceived();
    long lastNanos = clock.nanoTime();
    ArrayDeque<Double> atLevel = new ArrayDeque<>(); // the latest rates at level, newest last
    while (true) {
      LockSupport.parkNanos(INTERVAL.toNanos());
      if (done || !wanted.getAsBoolean()) {
        return;
      }
      long bytes = transfer.state().bytesReceived();
      long now = clock.nanoTime();
      double rate = (bytes - lastBytes) / (double) Math.max(1, now - lastNanos);
      lastBytes = bytes;
      lastNanos = now;
      if (testing > 0 && before >= 0 && rate < before * GAIN) {
        shrinkTo(level);
        testing = 0;
        nextTry = now + retry;
        retry = Math.min(2 * retry, LONGEST_RETRY.toNanos());
        continue;
      }
      int factor = 2;
      if (testing > 0) {
        factor = before > 0 && rate >= before * LEAP ? 4 : 2;
        level = testing;
        testing = 0;
        retry = FIRST_RETRY.toNanos();
        nextTry = now;
        atLevel.clear();
      }
      atLevel.addLast(rate);
      if (atLevel.size() > BASELINE_INTERVALS) {
        atLevel.removeFirst();
      }
      if (now - nextTry >= 0 && mayGrow(level)) {
        int step = Math.min(level * factor, most);
        if (growTo(step)) {
          testing = step;
          before = Collections.max(atLevel);
        }
      }
    }
  }
}
