package dev.ferry.cache;

import dev.ferry.spi.Clock;
import dev.ferry.spi.FileRef;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine remembers about its cache hosts across files and jobs, as Microsoft's Linux agent
 * does: bans (a cache host for every origin, or for one origin host) and, per file, when its cache
 * hosts first failed, which starts its fallback delay. Time comes from the engine's clock, so tests
 * move it instead of waiting. Thread-safe.
 */
public final class CacheBans {
  private static final Logger log = LoggerFactory.getLogger(CacheBans.class);

  /** How long a ban lasts, as in Microsoft's Linux agent. */
  public static final Duration BAN = Duration.ofMinutes(15);

  /** A ban's key: a cache host, for one origin host or (null) for all. */
  private record Key(String cacheHost, String originHost) {}

  /** A ban's end and why it was set. */
  public record Ban(long untilNanos, String reason) {}

  /** One file of one job, as the fallback delays are kept. */
  private record FileKey(UUID job, int index) {}

  private final Clock clock;
  private final Map<Key, Ban> bans = new HashMap<>();
  private final Map<FileKey, Long> firstFailure = new HashMap<>();

  public CacheBans(Clock clock) {
    this.clock = clock;
  }

  /** Bans {@code cacheHost} for every origin (it did not answer). */
  public synchronized void banHost(String cacheHost, String reason) {
    put(new Key(cacheHost, null), reason);
  }

  /** Bans {@code cacheHost} for the origin {@code originHost} only (it refused that origin). */
  public synchronized void banPair(String cacheHost, String originHost, String reason) {
    put(new Key(cacheHost, originHost), reason);
  }

  private void put(Key key, String reason) {
    bans.put(key, new Ban(clock.nanoTime() + BAN.toNanos(), reason));
    // A ban moves bytes to the origin for 15 minutes: worth a warning an operator sees.
    log.atWarn()
        .addKeyValue("cache_host", key.cacheHost())
        .addKeyValue("origin_host", key.originHost() == null ? "*" : key.originHost())
        .addKeyValue("minutes", BAN.toMinutes())
        .addKeyValue("reason", reason)
        .log("cache host banned");
  }

  /** The ban that leaves {@code cacheHost} out for {@code originHost} now, if any. */
  public synchronized Optional<Ban> banOf(String cacheHost, String originHost) {
    long now = clock.nanoTime();
    for (Key key : new Key[] {new Key(cacheHost, null), new Key(cacheHost, originHost)}) {
      Ban ban = bans.get(key);
      if (ban != null) {
        if (now - ban.untilNanos() < 0) {
          return Optional.of(ban);
        }
        bans.remove(key);
      }
    }
    return Optional.empty();
  }

  /**
   * A ban in force, as operators see it.
   *
   * @param originHost the origin host it applies to, or null for every origin
   * @param until when it ends, on the wall clock
   */
  public record Current(
      String cacheHost, String originHost, java.time.Instant until, String reason) {}

  /** The bans in force now, by cache host. */
  public synchronized java.util.List<Current> current() {
    long now = clock.nanoTime();
    long wall = clock.millis();
    bans.values().removeIf(ban -> now - ban.untilNanos() >= 0);
    return bans.entrySet().stream()
        .map(e ->
            new Current(
                e.getKey().cacheHost(),
                e.getKey().originHost(),
                java.time.Instant.ofEpochMilli(
                    wall + (e.getValue().untilNanos() - now) / 1_000_000),
                e.getValue().reason()))
        .sorted(java.util.Comparator.comparing(Current::cacheHost))
        .toList();
  }

  /** Whether {@code cacheHost} is left out for {@code originHost} now. */
  public boolean isBanned(String cacheHost, String originHost) {
    return banOf(cacheHost, originHost).isPresent();
  }

  /**
   * The cache hosts of {@code file} failed: starts its fallback delay unless it runs already.
   * Returns how long ago it started.
   */
  public synchronized Duration failedFor(FileRef file) {
    long now = clock.nanoTime();
    long first = firstFailure.computeIfAbsent(new FileKey(file.job(), file.index()), k -> now);
    return Duration.ofNanos(now - first);
  }

  /**
   * Whether the fallback delay of {@code file} has passed ({@code delay} from its first failure).
   */
  public synchronized boolean fallbackDue(FileRef file, Duration delay) {
    if (delay.equals(CacheSettings.UNSET)) {
      return true;
    }
    if (delay.equals(CacheSettings.NEVER)) {
      return false;
    }
    Long first = firstFailure.get(new FileKey(file.job(), file.index()));
    return first != null && clock.nanoTime() - first - delay.toNanos() >= 0;
  }

  /** A cache host served {@code file}: its next failure starts a new fallback delay. */
  public synchronized void served(FileRef file) {
    firstFailure.remove(new FileKey(file.job(), file.index()));
  }
}
