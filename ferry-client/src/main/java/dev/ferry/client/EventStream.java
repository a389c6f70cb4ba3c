package dev.ferry.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.client.transport.ServerSentEvents;
import dev.ferry.client.transport.Transport;
import dev.ferry.rest.EventView;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's event stream, read on a virtual thread of its own while it is started. When the
 * stream breaks (the daemon stopped or restarted) it is opened again, with pauses growing to 30 s;
 * {@code connected} runs each time it is (re)established, with the moment it opened, so the caller
 * can catch up on what happened before: everything after that moment arrives in the stream.
 */
final class EventStream {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

  /** A parsed event; {@code kind} is the SSE event name: changed, progress, file-transferred. */
  record Event(String kind, EventView view) {}

  private final Transport transport;
  private final Consumer<Event> sink;
  private final Consumer<Instant> onConnected;
  private final ObjectMapper json;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private Thread reader;
  private Transport.OpenStream current;
  private boolean connected;

  EventStream(Transport transport, Consumer<Event> sink, Consumer<Instant> connected) {
    this.transport = transport;
    this.sink = sink;
    this.onConnected = connected;
    this.json = transport.json();
  }

  void start() {
    lock.lock();
    try {
      if (reader == null) {
        reader = Thread.ofVirtual().name("ferry-client-events").start(this::run);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the stream is open (its headers arrived), at most {@code patience}. */
  boolean awaitConnected(Duration patience) {
    lock.lock();
    try {
      long left = patience.toNanos();
      while (!connected && reader != null && left > 0) {
        left = wake.awaitNanos(left);
      }
      return connected;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  void stop() {
    Transport.OpenStream open;
    lock.lock();
    try {
      reader = null;
      open = current;
      current = null;
      connected = false;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    if (open != null) {
      open.close();
    }
  }

  private void run() {
    Thread self = Thread.currentThread();
    Duration pause = FIRST_PAUSE;
    while (owns(self)) {
      Transport.OpenStream stream = null;
      try {
        stream = transport.openEvents(null);
        // The daemon subscribes before it sends the headers: from here on, nothing is missed.
        Instant openSince = Instant.now();
        if (!adopt(self, stream)) {
          stream.close();
          return;
        }
        pause = FIRST_PAUSE;
        log.debug("event stream of ferryd at {} open", transport.socket());
        onConnected.accept(openSince);
        ServerSentEvents.read(stream.body(), this::dispatch);
        log.debug("event stream of ferryd at {} ended", transport.socket());
      } catch (Exception e) {
        if (owns(self)) {
          log.debug("event stream of ferryd at {} broke: {}", transport.socket(), e.toString());
        }
      } finally {
        release(self, stream);
      }
      if (!pause(self, pause)) {
        return;
      }
      pause =
          pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
              ? LONGEST_PAUSE
              : pause.multipliedBy(2);
    }
  }

  private void dispatch(ServerSentEvents.Event event) {
    try {
      EventView view = json.readValue(event.data(), EventView.class);
      String kind = event.name().equals("message") ? view.kind() : event.name();
      if (kind != null && view.jobId() != null) {
        sink.accept(new Event(kind.toLowerCase(Locale.ROOT).replace('_', '-'), view));
      }
    } catch (Exception e) {
      log.debug("ignoring an event the client cannot read: {}", event, e);
    }
  }

  private boolean owns(Thread self) {
    lock.lock();
    try {
      return reader == self;
    } finally {
      lock.unlock();
    }
  }

  private boolean adopt(Thread self, Transport.OpenStream stream) {
    lock.lock();
    try {
      if (reader != self) {
        return false;
      }
      current = stream;
      connected = true;
      wake.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void release(Thread self, Transport.OpenStream stream) {
    lock.lock();
    try {
      if (reader == self && current == stream) {
        current = null;
        connected = false;
      }
    } finally {
      lock.unlock();
    }
    if (stream != null) {
      stream.close();
    }
  }

  /** Waits before the next attempt; false once stopped. */
  private boolean pause(Thread self, Duration pause) {
    lock.lock();
    try {
      long deadline = System.nanoTime() + pause.toNanos();
      while (reader == self) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        wake.await(left, TimeUnit.NANOSECONDS);
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }
}
