package dev.ferry.cache;

import dev.ferry.http.HttpSource;
import dev.ferry.http.ProxySelection;
import dev.ferry.spi.Clock;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Offers the cache hosts of a machine ({@link CacheSettings}) as a source of every http and https
 * file, before its origin: every engine has one ({@code EngineConfig.openProviders}), which {@code
 * engine.extension(CacheServers.class)} finds. It keeps the engine-wide {@link CacheBans} and one
 * HTTP client for all its hosts, made at the first request and released by {@link #close}. Its
 * settings may change while files transfer: each file takes the new ones when it next starts.
 */
public final class CacheServers implements SourceProvider, AutoCloseable {
  /** How long a cache host may take to accept a connection, as in Microsoft's Linux agent. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  private volatile CacheSettings settings;
  private final CacheBans bans;
  private final Duration readTimeout;
  private final Clock clock;
  private HttpSource http;

  /**
   * @param readTimeout how long a cache host may leave a request without an answer or a read
   *     without bytes (the engine's read timeout)
   */
  public CacheServers(CacheSettings settings, Duration readTimeout, Clock clock) {
    this.settings = settings;
    this.readTimeout = readTimeout;
    this.clock = clock;
    this.bans = new CacheBans(clock);
  }

  public CacheSettings settings() {
    return settings;
  }

  /** Replaces the machine's cache hosts and delays, for the files that start from now on. */
  public void setSettings(CacheSettings settings) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  /** The bans this provider keeps, for its statistics and tests. */
  public CacheBans bans() {
    return bans;
  }

  @Override
  public List<Source> sourcesFor(FileRef file) {
    String scheme = file.uri().getScheme();
    CacheSettings settings = this.settings.forJob(CacheHints.of(file));
    if (!settings.enabled()
        || file.uri().getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      return List.of();
    }
    return List.of(new CacheHostSource(file, settings, bans, http()));
  }

  private synchronized HttpSource http() {
    if (http == null) {
      http =
          new HttpSource(
              CONNECT_TIMEOUT, readTimeout, new ProxySelection(Map.of()), null, 64, clock);
    }
    return http;
  }

  @Override
  public synchronized void close() {
    if (http != null) {
      http.close();
      http = null;
    }
  }

  @Override
  public String toString() {
    return "cache servers " + settings.hosts();
  }
}
