package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A real engine over a temporary data directory and a real origin server on loopback, for one test.
 * Waits are polls with generous limits, never sleeps with assertions on time.
 */
public final class EngineFixture implements AutoCloseable {
  public static final Duration PATIENCE = Duration.ofSeconds(60);
  public static final JobOwner ALICE = new JobOwner(1001, "alice");
  public static final JobOwner BOB = new JobOwner(1002, "bob");
  public static final JobOwner ROOT = new JobOwner(0, "root");

  public final Path dir;
  public final Path dataDir;
  public final Path downloads;
  public final TestOrigin origin;
  private EngineConfig config;
  private JobEngine engine;

  public EngineFixture(Path dir) {
    this(dir, testConfig());
  }

  public EngineFixture(Path dir, EngineConfig config) {
    try {
      this.dir = dir;
      this.dataDir = dir.resolve("data");
      this.downloads = Files.createDirectories(dir.resolve("downloads"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.config = config;
    this.origin = TestOrigin.start();
    this.engine = JobEngine.open(dataDir, config);
  }

  /** Defaults with a short read timeout, so stalls are detected quickly. */
  public static EngineConfig testConfig() {
    return EngineConfig.defaults()
        .withReadTimeout(Duration.ofSeconds(3))
        .withEnvironment(java.util.Map.of());
  }

  public JobEngine engine() {
    return engine;
  }

  public BackgroundCopyManager manager(JobOwner caller) {
    return engine.manager(caller);
  }

  public BackgroundCopyManager alice() {
    return manager(ALICE);
  }

  /** Closes the engine and opens a new one on the same data directory, as after a restart. */
  public void restart() {
    engine.close();
    engine = JobEngine.open(dataDir, config);
  }

  public void restart(EngineConfig newConfig) {
    engine.close();
    config = newConfig;
    engine = JobEngine.open(dataDir, config);
  }

  public Path download(String name) {
    return downloads.resolve(name);
  }

  public static JobState awaitState(BackgroundCopyJob job, JobState state) {
    await("job " + job.displayName() + " to reach " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(job.state()).isEqualTo(state));
    return state;
  }

  public static String sha256(Path file) {
    try (var in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    engine.close();
    origin.close();
  }
}
