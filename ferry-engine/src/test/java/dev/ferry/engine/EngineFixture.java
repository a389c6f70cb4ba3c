package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.Jobs;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real engine over a temporary data directory and a real origin server on loopback, for one test.
 * Waits are polls with generous limits, never sleeps with assertions on time.
 *
 * <p>As a field of the test class it opens before each test, over a new temporary directory, and
 * closes after it, deleting the directory; the test class's own {@code @BeforeEach} methods run
 * after it opened, its {@code @AfterEach} methods before it closes:
 *
 * <pre>{@code
 * @RegisterExtension final EngineFixture fx = new EngineFixture();
 * @RegisterExtension final EngineFixture fx =
 *     new EngineFixture(EngineFixture.testConfig().withFilesInParallel(3));
 * }</pre>
 *
 * <p>Given a directory, it opens at once and the test closes it.
 */
public final class EngineFixture implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
  public static final Duration PATIENCE = Jobs.PATIENCE;
  public static final JobOwner ALICE = new JobOwner(1001, "alice");
  public static final JobOwner BOB = new JobOwner(1002, "bob");
  public static final JobOwner ROOT = new JobOwner(0, "root");

  /** Set once open: the fixture's directory, and in it the data and downloads directories. */
  public Path dir;

  public Path dataDir;
  public Path downloads;
  public TestOrigin origin;
  private EngineConfig config;
  private JobEngine engine;
  private boolean ownsDir;
  private boolean closed;

  /** For {@code @RegisterExtension}: opens with {@link #testConfig()} before each test. */
  public EngineFixture() {
    this(testConfig());
  }

  /** For {@code @RegisterExtension}: opens with {@code config} before each test. */
  public EngineFixture(EngineConfig config) {
    this.config = config;
  }

  /** Opens now over {@code dir}, with {@link #testConfig()}; the caller closes it. */
  public EngineFixture(Path dir) {
    this(dir, testConfig());
  }

  /** Opens now over {@code dir}, with {@code config}; the caller closes it. */
  public EngineFixture(Path dir, EngineConfig config) {
    this.config = config;
    open(dir);
  }

  private void open(Path dir) {
    try {
      this.dir = dir;
      this.dataDir = dir.resolve("data");
      this.downloads = Files.createDirectories(dir.resolve("downloads"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.origin = TestOrigin.start();
    this.engine = JobEngine.open(dataDir, config);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (dir != null) {
      throw new IllegalStateException("an EngineFixture opened over " + dir + " is not a field");
    }
    ownsDir = true;
    open(Files.createTempDirectory("ferry-engine-"));
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      close();
    } finally {
      if (ownsDir && dir != null) {
        deleteTree(dir);
      }
    }
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

  /** {@link Jobs#awaitState}, under the name the engine's tests know. */
  public static JobState awaitState(BackgroundCopyJob job, JobState state) {
    return Jobs.awaitState(job, state);
  }

  /** {@link TestFiles#sha256(Path)}, under the name the engine's tests know. */
  public static String sha256(Path file) {
    return TestFiles.sha256(file);
  }

  /** A call that may throw. */
  @FunctionalInterface
  public interface Call {
    void call() throws Exception;
  }

  /** The call throws a {@link FerryException} with exactly the HRESULT {@code expected}. */
  public static void assertHResult(Call call, HResult expected) {
    assertThatThrownBy(call::call)
        .isInstanceOf(FerryException.class)
        .satisfies(e ->
            assertThat(HResult.hex(((FerryException) e).hresult()))
                .as("HRESULT of %s", e)
                .isEqualTo(HResult.hex(expected.value())));
  }

  /** Closes the engine, then the origin; again is harmless. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (engine != null) {
        engine.close();
      }
    } finally {
      if (origin != null) {
        origin.close();
      }
    }
  }

  /** As JUnit deletes a {@code @TempDir}: all of it, or the test fails. */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path directory, IOException e)
              throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(directory);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
