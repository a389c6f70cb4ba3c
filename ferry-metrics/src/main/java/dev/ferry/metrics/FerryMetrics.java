package dev.ferry.metrics;

import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.engine.Engine;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.bandwidth.TokenBucket;
import dev.ferry.engine.job.JobEvent;
import dev.ferry.engine.job.JobListener;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.StoreEvents;
import dev.ferry.spi.TransferEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * An engine's Prometheus metrics, kept in Micrometer's Prometheus registry: what happens during
 * transfers ({@link #transferEvents()}), how long the store's writes take ({@link #storeEvents()}),
 * the jobs' changes and counts and the bandwidth policy ({@link #bind}), and the local API's
 * requests ({@link #apiRequest}). The engine needs the first two when it opens, the rest needs the
 * opened engine: {@link #create()}, then {@link dev.ferry.engine.EngineConfig#withTransferEvents}
 * and {@link dev.ferry.engine.EngineConfig#withStoreEvents}, then {@link #bind}.
 *
 * <p>Every label has a bounded set of values (a source kind, a job state and priority, an HRESULT
 * in hex, a route template, an HTTP method and status): never a job id, a URL, a path or a user
 * name, which would make a series per job or per user. The names and labels are listed in
 * README.md, "Metrics".
 */
public final class FerryMetrics implements AutoCloseable {
  /** The content type of {@link #scrape()}: Prometheus's text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The {@code route} of a request no route answered (not found, or refused before routing). */
  public static final String NO_ROUTE = "none";

  /** The peer kinds uploads are counted by, as DO's statistics separate them. */
  public static final List<String> PEER_KINDS = List.of("lan", "group", "internet");

  /** The label of Internet peers among {@link #PEER_KINDS}: those DO's monthly cap counts. */
  public static final String INTERNET_PEERS = "internet";

  /** The source kinds whose series exist from the start, at 0 until bytes come from them. */
  static final List<SourceKind> KNOWN_KINDS =
      List.of(
          SourceKind.ORIGIN,
          SourceKind.CACHE_SERVER,
          SourceKind.LAN_PEER,
          SourceKind.GROUP_PEER,
          SourceKind.PEER,
          SourceKind.LOCAL_FILE);

  /** The states a job has while the engine holds it; final jobs leave the engine. */
  static final List<JobState> LIVE_STATES =
      List.of(
          JobState.QUEUED,
          JobState.CONNECTING,
          JobState.TRANSFERRING,
          JobState.SUSPENDED,
          JobState.ERROR,
          JobState.TRANSIENT_ERROR,
          JobState.TRANSFERRED);

  private final PrometheusMeterRegistry registry;
  private final Transfers transfers = new Transfers();
  private final Timer durableWrites;
  private final Timer relaxedWrites;
  private final Map<UUID, JobState> lastStates = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> jobErrors = new ConcurrentHashMap<>();
  private final Counter retries;
  private final JobListener jobListener = this::onJobEvent;
  private volatile Engine engine;
  private volatile java.util.function.LongSupplier uploadPace = () -> 0;

  /** The job counts of the scrape under way, read from the engine once for all their gauges. */
  private volatile Map<JobState, Map<JobPriority, Integer>> jobCounts = Map.of();

  private FerryMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    for (SourceKind kind : KNOWN_KINDS) {
      transfers.of(kind);
    }
    for (String kind : PEER_KINDS) {
      Counter.builder("ferry.peer.uploaded")
          .baseUnit(BaseUnits.BYTES)
          .description("Bytes uploaded to peers, by kind of peer")
          .tag("kind", kind)
          .register(registry);
    }
    Gauge.builder("ferry.file.transfers.active", transfers.active, a -> a.sum())
        .description("Files transferring now")
        .register(registry);
    durableWrites = storeTimer("full");
    relaxedWrites = storeTimer("normal");
    retries =
        Counter.builder("ferry.job.retries")
            .description("Jobs that entered TRANSIENT_ERROR: a retry is scheduled")
            .register(registry);
  }

  /** Metrics with nothing bound yet. */
  public static FerryMetrics create() {
    return new FerryMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  private Timer storeTimer(String synchronous) {
    return Timer.builder("ferry.store.write")
        .description(
            "Write transactions of the job store, by whether the commit waited for the disk"
                + " (synchronous=full) or not (normal)")
        .tag("synchronous", synchronous)
        .serviceLevelObjectives(
            Duration.ofNanos(100_000),
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofMillis(25),
            Duration.ofMillis(100),
            Duration.ofMillis(500))
        .register(registry);
  }

  /** The listener to give the engine's configuration before it opens. */
  public TransferEvents transferEvents() {
    return transfers;
  }

  /** The store's listener to give the engine's configuration before it opens. */
  public StoreEvents storeEvents() {
    return (waitedForDisk, nanos) ->
        (waitedForDisk ? durableWrites : relaxedWrites).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Follows the opened engine: its job events, and gauges of its jobs by state and priority and of
   * its bandwidth policy's caps, read from it at each {@link #scrape()}.
   */
  public void bind(Engine opened) {
    if (engine != null) {
      throw new IllegalStateException("the metrics already follow an engine");
    }
    engine = Objects.requireNonNull(opened);
    for (JobState state : LIVE_STATES) {
      for (JobPriority priority : JobPriority.values()) {
        Gauge.builder("ferry.jobs", this, m -> m.jobCount(state, priority))
            .description("Jobs and DO downloads the engine holds, by state and priority")
            .tag("state", state.name().toLowerCase(Locale.ROOT))
            .tag("priority", priority.name().toLowerCase(Locale.ROOT))
            .register(registry);
      }
    }
    cap("global", BandwidthPolicy::global);
    cap("foreground", BandwidthPolicy::foreground);
    cap("background", BandwidthPolicy::background);
    cap("background_while_foreground", BandwidthPolicy::backgroundWhileForeground);
    cap("background_in_force", p -> p.backgroundAt(LocalDateTime.now(), false));
    opened.addListener(jobListener);
  }

  private void cap(String scope, ToDoubleFunction<BandwidthPolicy> which) {
    Gauge.builder("ferry.bandwidth.cap", this, m -> capValue(which.applyAsDouble(policy())))
        .baseUnit("bytes.per.second")
        .description(
            "The bandwidth policy's caps (+Inf: none; background_in_force is the background cap"
                + " a time window sets now, 0 while it blocks background jobs)")
        .tag("scope", scope)
        .register(registry);
  }

  private BandwidthPolicy policy() {
    Engine bound = engine;
    return bound == null ? BandwidthPolicy.DEFAULT : bound.bandwidthPolicy();
  }

  private static double capValue(double cap) {
    return cap >= TokenBucket.UNLIMITED ? Double.POSITIVE_INFINITY : cap;
  }

  private double jobCount(JobState state, JobPriority priority) {
    return jobCounts.getOrDefault(state, Map.of()).getOrDefault(priority, 0);
  }

  /**
   * Counts retries and errors from the job's state changes. Called under the engine's lock, so it
   * only updates counters.
   */
  private void onJobEvent(JobEvent event) {
    if (event.kind() != JobEvent.Kind.CHANGED || event.state() == null) {
      return;
    }
    JobState state = event.state();
    JobState previous =
        state.isFinal() ? lastStates.remove(event.jobId()) : lastStates.put(event.jobId(), state);
    if (state == previous) {
      return;
    }
    if (state == JobState.TRANSIENT_ERROR) {
      retries.increment();
    }
    // A failure moves a job into one of the error states; TRANSIENT_ERROR to ERROR is the same
    // failure running out of retries, not another one.
    boolean failed = state == JobState.TRANSIENT_ERROR || state == JobState.ERROR;
    boolean wasFailed = previous == JobState.TRANSIENT_ERROR || previous == JobState.ERROR;
    if (failed && !wasFailed) {
      jobErrors
          .computeIfAbsent(
              event.errorCode(),
              code ->
                  Counter.builder("ferry.job.errors")
                      .description(
                          "Failures that put a job in TRANSIENT_ERROR or ERROR, by HRESULT")
                      .tag("hresult", hex(code))
                      .register(registry))
          .increment();
    }
  }

  /**
   * Counts one request of the local API.
   *
   * @param route the route's template (such as {@code /v1/jobs/{id}}), or {@link #NO_ROUTE}: never
   *     the request's path, which holds job ids
   */
  public void apiRequest(String method, String route, int status, long nanos) {
    Timer.builder("ferry.api.requests")
        .description("Requests of the local API, by method, route template and status")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .serviceLevelObjectives(
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofMillis(25),
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            Duration.ofMillis(2500))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The metrics in the text exposition format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    Engine bound = engine;
    if (bound != null) {
      jobCounts = bound.jobCounts();
    }
    return registry.scrape(CONTENT_TYPE);
  }

  /**
   * The bytes received since these metrics were created, by source kind name ({@code origin},
   * {@code cache}, {@code peer}, {@code file}, and any other kind that sent bytes): what the
   * dashboard's charts sample.
   */
  public Map<String, Long> receivedBytes() {
    Map<String, Long> totals = new java.util.TreeMap<>();
    transfers.kinds.forEach(
        (kind, meters) -> totals.put(kind.name(), (long) meters.received.count()));
    return totals;
  }

  /**
   * {@code bytes} were sent to a peer of {@code kind} (one of {@link #PEER_KINDS}; any other counts
   * as internet).
   */
  public void peerUploaded(String kind, long bytes) {
    String known = PEER_KINDS.contains(kind) ? kind : INTERNET_PEERS;
    registry.counter("ferry.peer.uploaded", "kind", known).increment(bytes);
  }

  /**
   * The label among {@link #PEER_KINDS} of peers of {@code kind} (one of {@link SourceKind#PEERS}).
   */
  public static String peerKindLabel(SourceKind kind) {
    if (SourceKind.LAN_PEER.equals(kind)) {
      return "lan";
    }
    return SourceKind.GROUP_PEER.equals(kind) ? "group" : INTERNET_PEERS;
  }

  /** The bytes uploaded to peers of {@code kind} (one of {@link #PEER_KINDS}) since creation. */
  public long uploadedBytes(String kind) {
    Counter counter = registry.find("ferry.peer.uploaded").tag("kind", kind).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  /**
   * Follows the rate the swarm paces uploads at by the delay they add (LEDBAT), bytes per second; 0
   * while they are not paced.
   */
  public void uploadPace(java.util.function.LongSupplier pace) {
    this.uploadPace = pace;
    Gauge.builder("ferry.peer.upload.pace", pace, p -> p.getAsLong())
        .baseUnit("bytes_per_second")
        .description(
            "The rate uploads to peers are paced at to keep the delay they add under the target"
                + " (0: not paced)")
        .register(registry);
  }

  /** The rate uploads are paced at by delay now, bytes per second; 0 while they are not. */
  public long uploadPaceNow() {
    return uploadPace.getAsLong();
  }

  /** The bytes uploaded to peers since these metrics were created, every kind of peer together. */
  public long uploadedBytes() {
    double sum = 0;
    for (Counter counter : registry.find("ferry.peer.uploaded").counters()) {
      sum += counter.count();
    }
    return (long) sum;
  }

  /** The registry, for more meters and for tests. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops following the engine. */
  @Override
  public void close() {
    Engine bound = engine;
    if (bound != null) {
      bound.removeListener(jobListener);
    }
    registry.close();
  }

  /** An HRESULT as a label: {@code 0x80190194}. */
  static String hex(int hresult) {
    return String.format(Locale.ROOT, "0x%08X", hresult);
  }

  /** The transfer events: counters by source kind, looked up without allocating once made. */
  private final class Transfers implements TransferEvents {
    final java.util.concurrent.atomic.LongAdder active =
        new java.util.concurrent.atomic.LongAdder();
    private final Map<SourceKind, PerKind> kinds = new ConcurrentHashMap<>();
    private final Map<SourceKind, Map<Integer, Counter>> failures = new ConcurrentHashMap<>();

    PerKind of(SourceKind kind) {
      PerKind meters = kinds.get(kind);
      return meters != null ? meters : kinds.computeIfAbsent(kind, PerKind::new);
    }

    @Override
    public void transferStarted(dev.ferry.spi.FileRef file) {
      active.increment();
    }

    @Override
    public void transferEnded(dev.ferry.spi.FileRef file, long activeNanos) {
      active.decrement();
    }

    @Override
    public void sourceOpened(dev.ferry.spi.FileRef file, SourceKind kind, long start, long end) {
      of(kind).open.increment();
    }

    @Override
    public void sourceClosed(dev.ferry.spi.FileRef file, SourceKind kind) {
      of(kind).open.decrement();
    }

    @Override
    public void sourceFailed(
        dev.ferry.spi.FileRef file, SourceKind kind, dev.ferry.spi.TransferFailure failure) {
      failures
          .computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
          .computeIfAbsent(
              failure.hresult(),
              code ->
                  Counter.builder("ferry.source.failures")
                      .description("Sources that failed, by source kind and HRESULT")
                      .tag("kind", kind.name())
                      .tag("hresult", hex(code))
                      .register(registry))
          .increment();
    }

    @Override
    public void bytesReceived(dev.ferry.spi.FileRef file, SourceKind kind, long bytes) {
      of(kind).received.increment(bytes);
    }

    @Override
    public void pieceVerified(dev.ferry.spi.FileRef file, int piece, SourceKind kind) {
      of(kind).verified.increment();
    }

    @Override
    public void pieceRejected(dev.ferry.spi.FileRef file, int piece, SourceKind kind) {
      of(kind).rejected.increment();
    }

    /** The meters of one source kind. */
    private final class PerKind {
      final Counter received;
      final Counter verified;
      final Counter rejected;
      final java.util.concurrent.atomic.LongAdder open =
          new java.util.concurrent.atomic.LongAdder();

      PerKind(SourceKind kind) {
        received =
            Counter.builder("ferry.source.received")
                .baseUnit(BaseUnits.BYTES)
                .description("Bytes received, by kind of source (origin, cache, peer, file)")
                .tag("kind", kind.name())
                .register(registry);
        verified =
            Counter.builder("ferry.pieces.verified")
                .description("Pieces that matched their hash, by kind of source")
                .tag("kind", kind.name())
                .register(registry);
        rejected =
            Counter.builder("ferry.pieces.rejected")
                .description("Pieces that failed their hash, by kind of source blamed")
                .tag("kind", kind.name())
                .register(registry);
        Gauge.builder("ferry.source.connections.open", open, o -> o.sum())
            .description("Responses of sources open now, by kind of source")
            .tag("kind", kind.name())
            .register(registry);
      }
    }
  }
}
