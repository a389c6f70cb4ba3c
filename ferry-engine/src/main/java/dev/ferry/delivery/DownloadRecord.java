package dev.ferry.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.delivery.CostPolicy;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.api.delivery.DownloadStatusCallback;
import dev.ferry.engine.concurrent.ChangeSignal;
import dev.ferry.engine.job.JobKind;
import dev.ferry.engine.job.JobRef;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What makes a job a DO download (its {@link JobKind}): the properties set on it and whether it was
 * started. Callbacks and sinks live in this process only and are not persisted.
 *
 * <p>Its state has a monitor of its own, which the engine takes when it asks the kind something
 * under its lock; so nothing holds it while calling the engine. Operations on one download are
 * serialized on {@link #operations} instead, which the engine never takes.
 */
final class DownloadRecord implements JobKind {
  private final Map<DownloadProperty, Object> values = new EnumMap<>(DownloadProperty.class);

  /** Serializes the operations of one download's callers (start, pause, properties...). */
  final Object operations = new Object();

  volatile boolean started;

  /** Fixed when the download is created. */
  private final DownloadPlacement placement;

  /** The download stopped because it made no progress for NoProgressTimeoutSeconds. */
  volatile boolean noProgress;

  volatile DownloadStatusCallback callback;
  volatile DownloadSink sink;

  /** A failure of the caller's sink, which pauses the download; not persisted. */
  volatile int sinkError;

  /** Runs callbacks and feeds the sink; null until needed. Guarded by this. */
  private DownloadWatcher watcher;

  DownloadRecord(DownloadPlacement placement) {
    this.placement = placement;
  }

  synchronized Object get(DownloadProperty property) {
    return values.get(property);
  }

  /** Sets a property's value; null removes it. */
  synchronized void set(DownloadProperty property, Object value) {
    if (value == null) {
      values.remove(property);
    } else {
      values.put(property, value);
    }
  }

  synchronized DownloadWatcher watcher() {
    return watcher;
  }

  /** Starts a watcher unless one runs; the one that runs. */
  synchronized DownloadWatcher watch(java.util.function.Supplier<DownloadWatcher> make) {
    if (watcher == null) {
      watcher = make.get();
      watcher.start();
    }
    return watcher;
  }

  private final ChangeSignal signal = new ChangeSignal();

  /** Called by the engine (under its lock) whenever the job changes. */
  @Override
  public void changed() {
    signal.signal();
  }

  long version() {
    return signal.version();
  }

  /**
   * Waits until the version moves past {@code seen} or the time is up: a real wait, which a caller
   * repeats after reading the engine's clock.
   */
  void awaitChange(long seen, long millis) throws InterruptedException {
    signal.awaitChange(seen, Duration.ofMillis(millis));
  }

  synchronized boolean isSet(DownloadProperty property) {
    return values.containsKey(property);
  }

  boolean createdInPlace() {
    return placement == DownloadPlacement.CREATED_IN_PLACE;
  }

  /** The DO record of a download job. */
  static DownloadRecord of(JobRef job) {
    return (DownloadRecord) job.kind();
  }

  /** Whether a job of this kind is a DO download. */
  static boolean isDownload(JobKind kind) {
    return kind instanceof DownloadRecord;
  }

  // --- what the engine asks of a download (JobKind) ----------------------------------------------

  @Override
  public boolean isBitsJob() {
    return false;
  }

  /** DO keeps a download across a restart only when it is NonVolatile. */
  @Override
  public boolean keptAcrossRestart() {
    return flag(DownloadProperty.NON_VOLATILE);
  }

  @Override
  public boolean filesInParallel() {
    return false;
  }

  @Override
  public boolean createsDestination() {
    return createdInPlace();
  }

  /** A download's watcher feeds its sink as pieces arrive. */
  @Override
  public boolean runnerFeedsSinks() {
    return false;
  }

  /**
   * Placed as Microsoft's Linux agent places it, a download retries as that agent does: after 2, 4,
   * 8 and 16 seconds, then every 30.
   */
  @Override
  public long retryDelaySeconds(long minRetryDelaySeconds, int failuresInARow) {
    if (!createdInPlace()) {
      return minRetryDelaySeconds;
    }
    return failuresInARow >= 5 ? AGENT_RETRY_CAP_SECONDS : 1L << failuresInARow;
  }

  /** The agent's longest wait between retries. */
  static final long AGENT_RETRY_CAP_SECONDS = 30;

  @Override
  public void resumed() {
    noProgress = false;
  }

  @Override
  public void enteredError(boolean timedOut) {
    noProgress = timedOut;
  }

  synchronized boolean flag(DownloadProperty property) {
    return Boolean.TRUE.equals(values.get(property));
  }

  synchronized String text(DownloadProperty property) {
    return (String) values.get(property);
  }

  @Override
  public synchronized String encode() {
    ObjectNode root = DeliveryJson.MAPPER.createObjectNode();
    root.put("started", started);
    root.put("noProgress", noProgress);
    if (placement != DownloadPlacement.STAGED) {
      root.put("placement", placement.name());
    }
    ObjectNode properties = root.putObject("properties");
    for (Map.Entry<DownloadProperty, Object> e : values.entrySet()) {
      String name = e.getKey().name();
      switch (e.getValue()) {
        case String s -> properties.put(name, s);
        case Integer i -> properties.put(name, i);
        case Long l -> properties.put(name, l);
        case Boolean b -> properties.put(name, b);
        case CostPolicy c -> properties.put(name, c.value());
        case byte[] bytes -> properties.put(name, Base64.getEncoder().encodeToString(bytes));
        default -> {
          // Callbacks and sinks belong to the caller's process.
        }
      }
    }
    return root.toString();
  }

  static DownloadRecord decode(String json) {
    try {
      JsonNode root = DeliveryJson.MAPPER.readTree(json);
      DownloadRecord record =
          new DownloadRecord(
              DownloadPlacement.valueOf(
                  root.path("placement").asText(DownloadPlacement.STAGED.name())));
      record.started = root.path("started").asBoolean();
      record.noProgress = root.path("noProgress").asBoolean();
      Iterator<Map.Entry<String, JsonNode>> fields = root.path("properties").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        DownloadProperty property;
        try {
          property = DownloadProperty.valueOf(field.getKey());
        } catch (IllegalArgumentException unknownToThisVersion) {
          continue;
        }
        JsonNode v = field.getValue();
        Object value =
            switch (property.type()) {
              case STRING -> v.asText();
              case UINT32, INT32 -> v.asInt();
              case UINT64 -> v.asLong();
              case BOOLEAN -> v.asBoolean();
              case COST_POLICY -> CostPolicy.of(v.asInt());
              case BYTES -> Base64.getDecoder().decode(v.asText());
              case CALLBACK, SINK -> null;
            };
        if (value != null) {
          record.set(property, value);
        }
      }
      return record;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("unreadable DO download record: " + e.getMessage(), e);
    }
  }
}
