package dev.ferry.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** Everything the origin knows about one path: what it serves, how it misbehaves, what it saw. */
final class Route {

  private Resource resource;
  // Survives remove() so that content put back later still looks newer than what was served.
  private Instant nextLastModified = Instant.EPOCH;
  private volatile Fault standingFault;
  private final Queue<Fault> onceFaults = new ConcurrentLinkedQueue<>();
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final LongAdder bytesServed = new LongAdder();
  private int inFlight;
  private int mostInFlight;

  synchronized void put(Content content) {
    resource = Resource.create(Objects.requireNonNull(content, "content"), nextLastModified);
    nextLastModified = resource.lastModified().plusSeconds(1);
  }

  synchronized void remove() {
    resource = null;
  }

  /** The current version, or null when nothing is served here. */
  synchronized Resource resource() {
    return resource;
  }

  void fault(Fault fault) {
    standingFault = Objects.requireNonNull(fault, "fault");
  }

  void faultOnce(Fault fault) {
    onceFaults.add(Objects.requireNonNull(fault, "fault"));
  }

  void clearFaults() {
    standingFault = null;
    onceFaults.clear();
  }

  /** The fault for the request being answered, consuming a one-shot fault first; may be null. */
  Fault takeFault() {
    Fault once = onceFaults.poll();
    return once != null ? once : standingFault;
  }

  synchronized void record(RecordedRequest request) {
    requests.add(request);
  }

  synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  void addBytesServed(long count) {
    bytesServed.add(count);
  }

  /** A response began; see {@link #mostInFlight}. */
  synchronized void began() {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
  }

  synchronized void ended() {
    inFlight--;
  }

  /** The most responses that were being sent at once. */
  synchronized int mostInFlight() {
    return mostInFlight;
  }

  long bytesServed() {
    return bytesServed.sum();
  }
}
