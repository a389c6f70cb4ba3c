package dev.ferry.engine;

import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * How an engine behaves: the BITS limits (§10.5 of the reference; administrators are exempt), the
 * transfer timeouts, and the scheduling and checkpoint policy. {@link #defaults()} gives the
 * documented values; the {@code with…} methods change one aspect.
 *
 * @param pieceSize bytes per piece of the piece map, a power of two
 * @param checkpointInterval how often a running transfer flushes and persists its progress: the
 *     most a crash can cost
 * @param maxBackgroundTransfers how many HIGH/NORMAL/LOW jobs transfer at once (BITS: one);
 *     FOREGROUND jobs always all run
 * @param timeSlice how long a background job runs before another job of its priority gets a turn
 * @param environment where PRECONFIG proxy settings come from
 * @param tls the TLS context for HTTPS, or null for the JVM's default (its trust store)
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
    SSLContext tls) {

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
        null);
  }

  public EngineConfig {
    if (Integer.bitCount(pieceSize) != 1 || pieceSize < 16 * 1024) {
      throw new IllegalArgumentException(
          "piece size must be a power of two of at least 16 KiB: " + pieceSize);
    }
    if (maxBackgroundTransfers < 1) {
      throw new IllegalArgumentException("at least one background transfer must be allowed");
    }
    environment = Map.copyOf(environment);
  }

  public EngineConfig withReadTimeout(Duration timeout) {
    return new EngineConfig(
        pieceSize,
        checkpointInterval,
        connectTimeout,
        timeout,
        maxJobsPerUser,
        maxJobsPerMachine,
        maxFilesPerJob,
        maxRangesPerFile,
        maxUrlLength,
        maxLocalPathLength,
        maxBackgroundTransfers,
        timeSlice,
        environment,
        tls);
  }

  public EngineConfig withLimits(
      int jobsPerUser, int jobsPerMachine, int filesPerJob, int rangesPerFile) {
    return new EngineConfig(
        pieceSize,
        checkpointInterval,
        connectTimeout,
        readTimeout,
        jobsPerUser,
        jobsPerMachine,
        filesPerJob,
        rangesPerFile,
        maxUrlLength,
        maxLocalPathLength,
        maxBackgroundTransfers,
        timeSlice,
        environment,
        tls);
  }

  public EngineConfig withScheduling(int backgroundTransfers, Duration slice) {
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
        backgroundTransfers,
        slice,
        environment,
        tls);
  }

  public EngineConfig withEnvironment(Map<String, String> env) {
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
        env,
        tls);
  }

  public EngineConfig withTls(SSLContext context) {
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
        context);
  }
}
