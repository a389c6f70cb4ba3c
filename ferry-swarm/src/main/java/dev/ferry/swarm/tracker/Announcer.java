package dev.ferry.swarm.tracker;

import dev.ferry.spi.Clock;
import dev.ferry.swarm.content.SwarmKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one swarm announced to a list of trackers and hands every peer they give to a callback.
 * Each tracker has its own virtual thread and {@link AnnounceSchedule}, so a slow or dead tracker
 * (a UDP one can take an hour to give up) holds up no other: {@code started} at once, the regular
 * announce every interval the tracker asks for, {@code completed} once after {@link #completed},
 * retries with a doubling wait after failures, and {@code stopped} on {@link #close} to each
 * tracker that had accepted an announce.
 *
 * <p>Waits read the injected clock and wake when it jumps ahead (as the swarm's ticker does), so a
 * test drives the schedule by advancing its clock. Peers are handed over as each answer comes,
 * repeats included: the callback keeps what it already knows.
 */
public final class Announcer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);

  private final SwarmKey swarm;
  private final AnnouncerSettings settings;
  private final Clock clock;
  private final Supplier<Progress> progress;
  private final Consumer<InetSocketAddress> peers;
  private final int key = new SecureRandom().nextInt();
  private final List<Tracker> trackers;
  private final List<Thread> threads = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  // Counted down once close() has interrupted every thread: only then may they say stopped
  // without the interrupt meant for the announce under way cutting that short.
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private volatile boolean completed;
  private volatile boolean closing;

  private Announcer(
      SwarmKey swarm,
      List<Tracker> trackers,
      AnnouncerSettings settings,
      Supplier<Progress> progress,
      Consumer<InetSocketAddress> peers) {
    this.swarm = swarm;
    this.trackers = trackers;
    this.settings = settings;
    this.clock = settings.clock();
    this.progress = progress;
    this.peers = peers;
  }

  /**
   * Starts announcing {@code swarm} to each of {@code urls}, opened with {@code trackers} (which
   * must stay open until this announcer is closed).
   *
   * @param progress the transfer's counts, read at each announce
   * @param peers called with each peer a tracker gives, on the tracker's thread
   * @throws IllegalArgumentException for a URL {@link Trackers#open} refuses
   */
  public static Announcer start(
      SwarmKey swarm,
      List<URI> urls,
      Trackers trackers,
      AnnouncerSettings settings,
      Supplier<Progress> progress,
      Consumer<InetSocketAddress> peers) {
    List<Tracker> opened = urls.stream().map(trackers::open).toList();
    Announcer announcer = new Announcer(swarm, opened, settings, progress, peers);
    settings.clock().onAdvance(announcer::wakeAll);
    for (Tracker tracker : opened) {
      announcer.threads.add(
          Thread.ofVirtual().name("announce " + tracker.uri()).start(() -> announcer.run(tracker)));
    }
    return announcer;
  }

  /** The transfer completed: each tracker is told once, as soon as its min interval allows. */
  public void completed() {
    lock.lock();
    try {
      completed = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run(Tracker tracker) {
    AnnounceSchedule schedule = new AnnounceSchedule(settings, clock.nanoTime());
    while (!closing) {
      boolean complete = completed;
      if (!awaitDue(schedule, complete)) {
        continue;
      }
      AnnounceEvent event = schedule.nextEvent(complete);
      try {
        AnnounceResponse response = tracker.announce(request(event));
        schedule.succeeded(event, complete, response, clock.nanoTime());
        response.warning().ifPresent(w -> LOG.warn("tracker {} warns: {}", tracker.uri(), w));
        LOG.debug("{} {} gave {} peers", tracker.uri(), event, response.peers().size());
        response.peers().forEach(this::deliver);
      } catch (IOException | RuntimeException e) {
        if (closing) {
          break;
        }
        schedule.failed(clock.nanoTime());
        LOG.info("announce of {} to {} failed: {}", swarm, tracker.uri(), e.getMessage());
      }
    }
    stop(tracker, schedule);
  }

  /**
   * Waits until the schedule's next announce is due; false when woken earlier (a clock jump, the
   * transfer completing, closing), so that the caller looks again.
   */
  private boolean awaitDue(AnnounceSchedule schedule, boolean complete) {
    lock.lock();
    try {
      if (closing || completed != complete) {
        return false;
      }
      long wait = schedule.dueAt(complete) - clock.nanoTime();
      if (wait <= 0) {
        return true;
      }
      wake.awaitNanos(wait);
      return false;
    } catch (InterruptedException e) {
      // close() interrupts; the loop sees closing.
      return false;
    } finally {
      lock.unlock();
    }
  }

  private AnnounceRequest request(AnnounceEvent event) {
    return new AnnounceRequest(
        swarm, settings.peerId(), settings.port(), progress.get(), event, settings.numWant(), key);
  }

  private void deliver(InetSocketAddress peer) {
    try {
      peers.accept(peer);
    } catch (RuntimeException e) {
      LOG.warn("the peer callback failed on {}", peer, e);
    }
  }

  private void stop(Tracker tracker, AnnounceSchedule schedule) {
    while (true) {
      try {
        interrupted.await();
        break;
      } catch (InterruptedException e) {
        // the interrupt close() sends: wait for all of them to be sent
      }
    }
    Thread.interrupted();
    if (!schedule.started()) {
      return;
    }
    try {
      tracker.announce(request(AnnounceEvent.STOPPED));
    } catch (IOException | RuntimeException e) {
      LOG.debug("stopped to {} failed: {}", tracker.uri(), e.getMessage());
    }
  }

  private void wakeAll() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops: cuts short the announces under way, sends {@code stopped} to every tracker that accepted
   * an announce, waiting for them up to {@link AnnouncerSettings#stopTimeout} (in real time: the
   * caller is waiting), and closes the trackers.
   */
  @Override
  public void close() throws InterruptedException {
    lock.lock();
    try {
      if (closing) {
        return;
      }
      closing = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    threads.forEach(Thread::interrupt);
    interrupted.countDown();
    long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
    for (Thread thread : threads) {
      long left = Math.max(1, deadline - System.nanoTime());
      if (!thread.join(java.time.Duration.ofNanos(left))) {
        thread.interrupt();
      }
    }
    for (Tracker tracker : trackers) {
      try {
        tracker.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", tracker.uri(), e.toString());
      }
    }
  }
}
