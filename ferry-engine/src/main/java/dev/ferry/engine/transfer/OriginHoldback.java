package dev.ferry.engine.transfer;

import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.spi.FileRef;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a file's origin waits while other sources (peers, cache servers) can serve it, and how
 * slow they may be before it tops them up: DO's HTTP delays and minimum background QoS, as the
 * machine sets them, with {@link #forFile} applying a job's own values (its HTTP_DELAY and
 * MIN_BACKGROUND_QOS properties, which a DO download's properties of the same numbers set). The
 * {@link SourcePlanner} applies the result ({@link Rule}) to an origin of kind {@code ORIGIN} only,
 * and only while the file has other sources: it knows nothing of what they are.
 *
 * @param backgroundDelay DO's DODelayBackgroundDownloadFromHttp (unset by default, at most
 *     4,294,967,295 s): for a job that is not FOREGROUND, how long after its file's transfer
 *     started the origin is held back while other sources can serve; {@link Duration#ZERO}: not at
 *     all
 * @param foregroundDelay DO's DODelayForegroundDownloadFromHttp (unset by default): the same for a
 *     FOREGROUND job
 * @param minBackgroundQos DO's DOMinBackgroundQos in bytes per second (DO's default 2,500 KB/s,
 *     {@link #DO_MIN_BACKGROUND_QOS}): while a background file gets less than this from its other
 *     sources (over {@link SourcePlanner#QOS_WINDOW}), the origin tops them up, within the delay
 *     too; 0: never
 */
public record OriginHoldback(
    Duration backgroundDelay, Duration foregroundDelay, long minBackgroundQos) {

  /** DO's default DOMinBackgroundQos: 2,500 KB/s, in KB of 1,024 bytes. */
  public static final long DO_MIN_BACKGROUND_QOS = 2_500L * 1024;

  /** The longest delay DO takes: a DWORD of seconds. */
  public static final Duration LONGEST_DELAY = Duration.ofSeconds(0xFFFF_FFFFL);

  /** DO's defaults: no HTTP delay, and its minimum background QoS. */
  public static final OriginHoldback DEFAULTS =
      new OriginHoldback(Duration.ZERO, Duration.ZERO, DO_MIN_BACKGROUND_QOS);

  public OriginHoldback {
    Objects.requireNonNull(backgroundDelay, "backgroundDelay");
    Objects.requireNonNull(foregroundDelay, "foregroundDelay");
    if (backgroundDelay.isNegative() || foregroundDelay.isNegative()) {
      throw new IllegalArgumentException("an HTTP delay is not negative");
    }
    if (backgroundDelay.compareTo(LONGEST_DELAY) > 0
        || foregroundDelay.compareTo(LONGEST_DELAY) > 0) {
      throw new IllegalArgumentException("an HTTP delay is at most 4,294,967,295 s, as DO's");
    }
    if (minBackgroundQos < 0) {
      throw new IllegalArgumentException("a minimum background QoS is not negative");
    }
  }

  /** These settings with DO's two HTTP delays. */
  public OriginHoldback withDelays(Duration background, Duration foreground) {
    return new OriginHoldback(background, foreground, minBackgroundQos);
  }

  /** These settings with DO's minimum background QoS, in bytes per second (0: never). */
  public OriginHoldback withMinBackgroundQos(long bytesPerSecond) {
    return new OriginHoldback(backgroundDelay, foregroundDelay, bytesPerSecond);
  }

  /**
   * What applies to {@code file}: its job's HTTP_DELAY (unsigned seconds) in place of the delay for
   * its priority, its MIN_BACKGROUND_QOS in place of the machine's; a FOREGROUND job has no minimum
   * (its delay is usually none).
   */
  public Rule forFile(FileRef file) {
    Duration delay =
        file.property(JobPropertyId.HTTP_DELAY)
            .map(v -> v instanceof JobPropertyValue.Dword dword ? dword.value() : null)
            .map(seconds -> Duration.ofSeconds(Integer.toUnsignedLong(seconds)))
            .orElse(file.foreground() ? foregroundDelay : backgroundDelay);
    long qos =
        file.property(JobPropertyId.MIN_BACKGROUND_QOS)
            .map(v -> v instanceof JobPropertyValue.Uint64 rate ? rate.value() : null)
            .orElse(minBackgroundQos);
    return new Rule(delay, file.foreground() ? 0 : Math.max(0, qos));
  }

  /**
   * What holds one file's origin back.
   *
   * @param delay how long after the file's transfer started the origin waits while other sources
   *     can serve; zero: not at all
   * @param minQos bytes per second the other sources must give, or the origin tops them up even
   *     within the delay; 0: never
   */
  public record Rule(Duration delay, long minQos) {
    /** Nothing holds the origin back: it is the last resort, as ever. */
    public static final Rule NONE = new Rule(Duration.ZERO, 0);

    public Rule {
      Objects.requireNonNull(delay, "delay");
    }

    /** Whether the origin waits at all. */
    public boolean holds() {
      return delay.isPositive();
    }
  }
}
