package dev.ferry.engine;

import dev.ferry.cache.CacheServers;
import dev.ferry.cache.CacheSettings;
import dev.ferry.engine.job.EngineExtension;
import dev.ferry.engine.transfer.OriginHoldback;
import dev.ferry.spi.Clock;
import dev.ferry.spi.SourceProvider;
import dev.ferry.spi.StoreEvents;
import dev.ferry.spi.TransferEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * How an engine behaves: the BITS limits ({@code docs/bits-semantics.md#limits}; administrators are
 * exempt), the transfer timeouts, and the scheduling and checkpoint policy. {@link #defaults()}
 * gives the documented values; the {@code with…} methods change one aspect.
 *
 * @param pieceSize bytes per piece of the piece map, a power of two
 * @param checkpointInterval how often a running transfer flushes and persists its progress: the
 *     most a crash can cost
 * @param maxBackgroundTransfers how many HIGH/NORMAL/LOW jobs transfer at once (BITS: one);
 *     FOREGROUND jobs always all run
 * @param timeSlice how long a background job runs before another job of its priority gets a turn
 * @param environment where PRECONFIG proxy settings come from
 * @param tls the TLS context for HTTPS, or null for the JVM's default (its trust store)
 * @param connectionsPerFile the most connections a FOREGROUND job may open to fetch one file (64;
 *     no cap of 16 as in aria2): it starts with 2 and doubles them while doubling raises the rate,
 *     as it does from servers that limit each connection. Background jobs always use one, to stay
 *     out of the way
 * @param minimumSplit the smallest part worth a connection of its own (1 MiB): also how long the
 *     last parts of a file take at one connection's speed
 * @param filesInParallel how many of a FOREGROUND job's files transfer at once, like aria2c's -j
 *     and wget2's threads: each file's request, flush and checkpoint overlap with the others'.
 *     Background jobs transfer their files one at a time, in order, as BITS does
 * @param downloadRetryDelay how long a DO download paused by a transient error waits before it
 *     tries again (DO: 30 s)
 * @param actForOwners the engine runs as root for several users (a system daemon): it creates,
 *     renames and deletes each job's files as that job's owner would be allowed to, and gives the
 *     files it creates to the owner
 * @param bootId the machine's boot ({@link dev.ferry.engine.store.BootId}), or null where unknown.
 *     Within one boot the page cache outlives a crashed process, so a finished file is recorded
 *     without a flush, as curl and wget leave theirs, and a restart in the same boot trusts every
 *     piece written; after a reboot only flushed pieces count. Unknown, every file is flushed
 *     before it is recorded transferred
 * @param clock where every part of the engine reads the time
 * @param extensions what extends the engine besides its core: Delivery Optimization by default
 * @param origins makes the sources files come from, asked in order whether a URL is theirs, the
 *     last taking any other: {@link Origins#standard} (file: URLs, then HTTP(S)) by default
 * @param sourceProviders what offers sources of a file besides its origin (cache servers, peers),
 *     asked before the origin; none by default
 * @param cacheHosts the machine's cache servers (DO's DOCacheHost and fallback delays), asked after
 *     the other providers' sources and before the origin; a job may name its own (the job
 *     properties CACHE_HOSTS and CACHE_FALLBACK_DELAY). None by default
 * @param originHoldback how long a file's origin (HTTP) waits while other sources (peers) can serve
 *     it, and the rate below which it tops them up in the background: DO's
 *     DODelayBackgroundDownloadFromHttp and DODelayForegroundDownloadFromHttp (unset by default)
 *     and DOMinBackgroundQos (2,500 KB/s by default); a job may set its own (the job properties
 *     HTTP_DELAY and MIN_BACKGROUND_QOS). {@link OriginHoldback#DEFAULTS} by default
 * @param transferEvents who hears what happens during transfers, beside the engine's own
 *     statistics; {@link TransferEvents#NONE} by default
 * @param storeEvents who hears how long the store's writes take; {@link StoreEvents#NONE} by
 *     default
 */
public record EngineConfig(
    int pieceSize,
    Duration checkpointInterval,
    Duration connectTimeout,
    Duration readTimeout,
    int maxJobsPerUser,
    int maxJobsPerMachine,
    int maxFilesPerJob,
    int maxRangesPerFile,
    int maxUrlLength,
    int maxLocalPathLength,
    int maxBackgroundTransfers,
    Duration timeSlice,
    Map<String, String> environment,
    SSLContext tls,
    int connectionsPerFile,
    long minimumSplit,
    int filesInParallel,
    Duration downloadRetryDelay,
    boolean actForOwners,
    String bootId,
    Clock clock,
    List<EngineExtension.Factory> extensions,
    java.util.function.Function<EngineConfig, List<dev.ferry.spi.Source>> origins,
    List<SourceProvider> sourceProviders,
    CacheSettings cacheHosts,
    OriginHoldback originHoldback,
    TransferEvents transferEvents,
    StoreEvents storeEvents) {

  public static EngineConfig defaults() {
    return new EngineConfig(
        1 << 20,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        60,
        300,
        200,
        500,
        2200,
        4096,
        1,
        Duration.ofMinutes(2),
        System.getenv(),
        null,
        64,
        1L << 20,
        4,
        Duration.ofSeconds(30),
        false,
        dev.ferry.engine.store.BootId.current(),
        Clock.SYSTEM,
        List.of(dev.ferry.delivery.DeliveryExtension::new),
        Origins::standard,
        List.of(),
        CacheSettings.NONE,
        OriginHoldback.DEFAULTS,
        TransferEvents.NONE,
        StoreEvents.NONE);
  }

  public EngineConfig {
    if (Integer.bitCount(pieceSize) != 1 || pieceSize < 16 * 1024) {
      throw new IllegalArgumentException(
          "piece size must be a power of two of at least 16 KiB: " + pieceSize);
    }
    if (connectionsPerFile < 1 || minimumSplit < 64 * 1024) {
      throw new IllegalArgumentException(
          "at least one connection per file and parts of at least 64 KiB are required");
    }
    if (filesInParallel < 1) {
      throw new IllegalArgumentException("at least one file must transfer at a time");
    }
    if (maxBackgroundTransfers < 1) {
      throw new IllegalArgumentException("at least one background transfer must be allowed");
    }
    environment = Map.copyOf(environment);
    java.util.Objects.requireNonNull(clock, "clock");
    extensions = List.copyOf(extensions);
    java.util.Objects.requireNonNull(origins, "origins");
    sourceProviders = List.copyOf(sourceProviders);
    java.util.Objects.requireNonNull(cacheHosts, "cacheHosts");
    java.util.Objects.requireNonNull(originHoldback, "originHoldback");
    java.util.Objects.requireNonNull(transferEvents, "transferEvents");
    java.util.Objects.requireNonNull(storeEvents, "storeEvents");
    if (downloadRetryDelay.isNegative() || downloadRetryDelay.toSeconds() < 1) {
      throw new IllegalArgumentException("a download retry delay is at least a second");
    }
  }

  public EngineConfig withReadTimeout(Duration timeout) {
    return edit(b -> b.readTimeout = timeout);
  }

  public EngineConfig withCheckpointInterval(Duration interval) {
    return edit(b -> b.checkpointInterval = interval);
  }

  public EngineConfig withLimits(
      int jobsPerUser, int jobsPerMachine, int filesPerJob, int rangesPerFile) {
    return edit(b -> {
      b.maxJobsPerUser = jobsPerUser;
      b.maxJobsPerMachine = jobsPerMachine;
      b.maxFilesPerJob = filesPerJob;
      b.maxRangesPerFile = rangesPerFile;
    });
  }

  public EngineConfig withScheduling(int backgroundTransfers, Duration slice) {
    return edit(b -> {
      b.maxBackgroundTransfers = backgroundTransfers;
      b.timeSlice = slice;
    });
  }

  public EngineConfig withEnvironment(Map<String, String> env) {
    return edit(b -> b.environment = env);
  }

  public EngineConfig withTls(SSLContext context) {
    return edit(b -> b.tls = context);
  }

  public EngineConfig withConnections(int perFile, long split) {
    return edit(b -> {
      b.connectionsPerFile = perFile;
      b.minimumSplit = split;
    });
  }

  public EngineConfig withFilesInParallel(int files) {
    return edit(b -> b.filesInParallel = files);
  }

  public EngineConfig withDownloadRetryDelay(Duration delay) {
    return edit(b -> b.downloadRetryDelay = delay);
  }

  public EngineConfig withActingForOwners(boolean act) {
    return edit(b -> b.actForOwners = act);
  }

  /** Tests stand for a reboot with another id, and for an unknown boot with null. */
  public EngineConfig withBootId(String id) {
    return edit(b -> b.bootId = id);
  }

  /** Where the engine reads the time; tests pass one they move themselves. */
  public EngineConfig withClock(Clock newClock) {
    return edit(b -> b.clock = newClock);
  }

  /** What extends the engine besides its core (by default, Delivery Optimization). */
  public EngineConfig withExtensions(List<EngineExtension.Factory> newExtensions) {
    return edit(b -> b.extensions = newExtensions);
  }

  /**
   * Sources of a file besides its origin, asked in this order before it: the origin (HTTP, or the
   * local file of a file: URL) stays the last resort, whose failures are the job's.
   */
  public EngineConfig withSourceProviders(SourceProvider... providers) {
    return edit(b -> b.sourceProviders = List.of(providers));
  }

  /**
   * Origins for URLs of their own (peers take magnet links), asked before the standard ones whether
   * a URL is theirs ({@link dev.ferry.spi.Source#isOriginFor}); the job accepts such URLs.
   */
  public EngineConfig withOriginsFirst(List<dev.ferry.spi.Source> first) {
    java.util.function.Function<EngineConfig, List<dev.ferry.spi.Source>> rest = origins;
    List<dev.ferry.spi.Source> mine = List.copyOf(first);
    return edit(b ->
        b.origins =
            config -> {
              List<dev.ferry.spi.Source> all = new java.util.ArrayList<>(mine);
              all.addAll(rest.apply(config));
              return List.copyOf(all);
            });
  }

  /**
   * The listener to what happens during transfers (bytes by source kind, pieces, checkpoints): one,
   * which tells others itself where several want to hear.
   */
  public EngineConfig withTransferEvents(TransferEvents listener) {
    return edit(b -> b.transferEvents = listener);
  }

  /** The machine's cache servers and fallback delays. */
  public EngineConfig withCacheHosts(CacheSettings settings) {
    return edit(b -> b.cacheHosts = settings);
  }

  /**
   * The machine's HTTP delays, DO's DODelayBackgroundDownloadFromHttp and
   * DODelayForegroundDownloadFromHttp (both unset by default, {@link Duration#ZERO} here; at most
   * 4,294,967,295 s): while a file of a job of that priority has other sources (peers) that can
   * serve it, its origin (HTTP) is not asked until this long after the file's transfer started. A
   * job's HTTP_DELAY property takes their place.
   */
  public EngineConfig withHttpDelays(Duration background, Duration foreground) {
    return edit(b -> b.originHoldback = b.originHoldback.withDelays(background, foreground));
  }

  /**
   * The machine's minimum background rate in bytes per second, DO's DOMinBackgroundQos (2,500 KB/s
   * by default, {@link OriginHoldback#DO_MIN_BACKGROUND_QOS}): while a background job's file gets
   * less than this from its other sources, the origin tops them up, even within the HTTP delay; 0
   * never. A job's MIN_BACKGROUND_QOS property takes its place.
   */
  public EngineConfig withMinBackgroundQos(long bytesPerSecond) {
    return edit(b -> b.originHoldback = b.originHoldback.withMinBackgroundQos(bytesPerSecond));
  }

  /**
   * The providers an engine opened with this configuration asks, made once at its open: {@link
   * #sourceProviders}, then the cache servers (always, so that a job's own cache hosts work where
   * the machine has none). The engine closes those it made when it closes.
   */
  public List<SourceProvider> openProviders() {
    List<SourceProvider> providers = new java.util.ArrayList<>(sourceProviders);
    providers.add(new CacheServers(cacheHosts, readTimeout, clock));
    return List.copyOf(providers);
  }

  /** The listener to the store's writes (how long each takes): one, as for transfer events. */
  public EngineConfig withStoreEvents(StoreEvents listener) {
    return edit(b -> b.storeEvents = listener);
  }

  private EngineConfig edit(java.util.function.Consumer<Editor> change) {
    Editor editor = new Editor(this);
    change.accept(editor);
    return editor.build();
  }

  /** A mutable copy, so each {@code with…} method names only what it changes. */
  private static final class Editor {
    int pieceSize;
    Duration checkpointInterval;
    Duration connectTimeout;
    Duration readTimeout;
    int maxJobsPerUser;
    int maxJobsPerMachine;
    int maxFilesPerJob;
    int maxRangesPerFile;
    int maxUrlLength;
    int maxLocalPathLength;
    int maxBackgroundTransfers;
    Duration timeSlice;
    Map<String, String> environment;
    SSLContext tls;
    int connectionsPerFile;
    long minimumSplit;
    int filesInParallel;
    Duration downloadRetryDelay;
    boolean actForOwners;
    String bootId;
    Clock clock;
    List<EngineExtension.Factory> extensions;
    java.util.function.Function<EngineConfig, List<dev.ferry.spi.Source>> origins;
    List<SourceProvider> sourceProviders;
    CacheSettings cacheHosts;
    OriginHoldback originHoldback;
    TransferEvents transferEvents;
    StoreEvents storeEvents;

    Editor(EngineConfig c) {
      pieceSize = c.pieceSize;
      checkpointInterval = c.checkpointInterval;
      connectTimeout = c.connectTimeout;
      readTimeout = c.readTimeout;
      maxJobsPerUser = c.maxJobsPerUser;
      maxJobsPerMachine = c.maxJobsPerMachine;
      maxFilesPerJob = c.maxFilesPerJob;
      maxRangesPerFile = c.maxRangesPerFile;
      maxUrlLength = c.maxUrlLength;
      maxLocalPathLength = c.maxLocalPathLength;
      maxBackgroundTransfers = c.maxBackgroundTransfers;
      timeSlice = c.timeSlice;
      environment = c.environment;
      tls = c.tls;
      connectionsPerFile = c.connectionsPerFile;
      minimumSplit = c.minimumSplit;
      filesInParallel = c.filesInParallel;
      downloadRetryDelay = c.downloadRetryDelay;
      actForOwners = c.actForOwners;
      bootId = c.bootId;
      clock = c.clock;
      extensions = c.extensions;
      origins = c.origins;
      sourceProviders = c.sourceProviders;
      cacheHosts = c.cacheHosts;
      originHoldback = c.originHoldback;
      transferEvents = c.transferEvents;
      storeEvents = c.storeEvents;
    }

    EngineConfig build() {
      return new EngineConfig(
          pieceSize,
          checkpointInterval,
          connectTimeout,
          readTimeout,
          maxJobsPerUser,
          maxJobsPerMachine,
          maxFilesPerJob,
          maxRangesPerFile,
          maxUrlLength,
          maxLocalPathLength,
          maxBackgroundTransfers,
          timeSlice,
          environment,
          tls,
          connectionsPerFile,
          minimumSplit,
          filesInParallel,
          downloadRetryDelay,
          actForOwners,
          bootId,
          clock,
          extensions,
          origins,
          sourceProviders,
          cacheHosts,
          originHoldback,
          transferEvents,
          storeEvents);
    }
  }
}
