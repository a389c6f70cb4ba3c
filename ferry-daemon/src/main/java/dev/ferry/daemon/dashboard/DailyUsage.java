package dev.ferry.daemon.dashboard;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ferry.rest.Json;
import dev.ferry.rest.UsageView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The totals by day that the month's chart shows, kept in a file of the data directory so they
 * survive a restart. The file is small (one line per day, at most {@link #KEPT_DAYS}), so it is
 * rewritten whole, to a temporary file renamed over the old one: a reader, or the next start after
 * a crash, sees the previous version or the new one, never a mix. It is the daemon's own, beside
 * the engine's store rather than in it, since the engine does not need it.
 */
final class DailyUsage {
  private static final Logger log = LoggerFactory.getLogger(DailyUsage.class);

  /** Days older than this many are dropped: the page shows the last month. */
  static final int KEPT_DAYS = 62;

  private final Path file;
  private final TreeMap<LocalDate, Amounts> days = new TreeMap<>();
  private boolean changed;

  private DailyUsage(Path file) {
    this.file = file;
  }

  /** The totals in {@code file}; none when it does not exist or cannot be read (logged). */
  static DailyUsage load(Path file) {
    DailyUsage usage = new DailyUsage(file);
    try {
      List<UsageView.Day> stored =
          Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<>() {});
      for (UsageView.Day day : stored) {
        usage.days.put(
            LocalDate.parse(day.date()),
            new Amounts(
                day.origin(),
                day.cache(),
                day.peer(),
                day.other(),
                day.uploaded(),
                // Days kept before uploads were told by kind of peer: all to Internet peers.
                day.uploadedToInternet() == null ? day.uploaded() : day.uploadedToInternet()));
      }
    } catch (NoSuchFileException e) {
      // The first start: no history yet.
    } catch (IOException | RuntimeException e) {
      // The history is a convenience: a damaged file must not stop the daemon.
      log.warn("the daily usage in {} cannot be read, starting anew: {}", file, e.toString());
    }
    return usage;
  }

  synchronized void add(LocalDate date, Amounts bytes) {
    if (bytes.isZero()) {
      return;
    }
    days.merge(date, bytes, Amounts::plus);
    while (days.size() > KEPT_DAYS) {
      days.pollFirstEntry();
    }
    changed = true;
  }

  /** The days from {@code count - 1} days before {@code today} to today that have bytes. */
  synchronized List<UsageView.Day> last(LocalDate today, int count) {
    List<UsageView.Day> result = new ArrayList<>();
    for (Map.Entry<LocalDate, Amounts> e :
        days.subMap(today.minusDays(count - 1L), true, today, true).entrySet()) {
      Amounts a = e.getValue();
      result.add(
          new UsageView.Day(
              e.getKey().toString(),
              a.origin(),
              a.cache(),
              a.peer(),
              a.other(),
              a.uploaded(),
              a.uploadedToInternet()));
    }
    return result;
  }

  /**
   * The bytes {@code amount} counts (such as {@link Amounts#uploaded}) in {@code today}'s calendar
   * month, today included.
   */
  synchronized long inMonthOf(LocalDate today, ToLongFunction<Amounts> amount) {
    long sum = 0;
    for (Amounts a : days.subMap(today.withDayOfMonth(1), true, today, true).values()) {
      sum += amount.applyAsLong(a);
    }
    return sum;
  }

  /** Writes the file if anything was added since the last write; failures are logged. */
  void save() {
    List<UsageView.Day> all;
    synchronized (this) {
      if (!changed) {
        return;
      }
      changed = false;
      all = days.isEmpty() ? List.of() : last(days.lastKey(), KEPT_DAYS);
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".usage-days", ".tmp");
      try {
        Files.write(temp, Json.mapper().writeValueAsBytes(all));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      synchronized (this) {
        changed = true;
      }
      log.warn("cannot write the daily usage to {}: {}", file, e.toString());
    }
  }
}
