package dev.ferry.client.torture;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Every job the harness planned, the violations it saw, and the counts for the summary. */
final class Ledger {
  enum Violation {
    /** A job whose create was answered is gone although nobody completed or cancelled it. */
    LOST,
    /** Two jobs for one create, or one job listed twice. */
    DUPLICATED,
    /** A job the harness never asked for. */
    PHANTOM,
    /** A state, file count or progress the acknowledged operations do not allow. */
    ILLEGAL,
    /** A final (or fully transferred temporary) file whose bytes differ from the origin's. */
    CORRUPT,
    /** A file on disk that should not be there: a temporary left behind, or anything unknown. */
    STRAY,
    /** A call failed while ferryd was alive, or returned an unexpected result. */
    ERROR
  }

  final List<TrackedJob> jobs = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<Violation, AtomicLong> violationCounts = new EnumMap<>(Violation.class);
  private final Map<String, AtomicLong> counts = new TreeMap<>();

  Ledger() {
    for (Violation kind : Violation.values()) {
      violationCounts.put(kind, new AtomicLong());
    }
  }

  void add(TrackedJob job) {
    jobs.add(job);
  }

  Optional<TrackedJob> byId(UUID id) {
    return jobs.stream().filter(j -> id.equals(j.id)).findFirst();
  }

  List<TrackedJob> live() {
    return jobs.stream().filter(TrackedJob::live).toList();
  }

  void violation(Violation kind, String message) {
    violationCounts.get(kind).incrementAndGet();
    violations.add(kind + ": " + message);
  }

  List<String> violations() {
    return new ArrayList<>(violations);
  }

  long violations(Violation kind) {
    return violationCounts.get(kind).get();
  }

  void count(String what) {
    count(what, 1);
  }

  void count(String what, long n) {
    synchronized (counts) {
      counts.computeIfAbsent(what, k -> new AtomicLong()).addAndGet(n);
    }
  }

  long get(String what) {
    synchronized (counts) {
      AtomicLong n = counts.get(what);
      return n == null ? 0 : n.get();
    }
  }

  long outcomes(TrackedJob.Outcome outcome) {
    return jobs.stream().filter(j -> j.outcome == outcome).count();
  }

  /** {@code name=n} for every counter, in name order. */
  String counters() {
    StringBuilder out = new StringBuilder();
    synchronized (counts) {
      counts.forEach(
          (k, v) -> out.append(out.isEmpty() ? "" : " ").append(k).append('=').append(v));
    }
    return out.toString();
  }

  String violationCounts() {
    return "lost=%d duplicated=%d phantom=%d illegal=%d corrupt=%d stray=%d errors=%d"
        .formatted(
            violations(Violation.LOST),
            violations(Violation.DUPLICATED),
            violations(Violation.PHANTOM),
            violations(Violation.ILLEGAL),
            violations(Violation.CORRUPT),
            violations(Violation.STRAY),
            violations(Violation.ERROR));
  }
}
