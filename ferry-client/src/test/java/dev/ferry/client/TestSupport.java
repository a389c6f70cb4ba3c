package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.Ferryd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Checks and set-ups shared by the client's tests. */
final class TestSupport {
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private TestSupport() {}

  /** The call fails with exactly {@code code}; returns the exception for further checks. */
  static FerryException assertHResult(ThrowingCallable call, HResult code) {
    FerryException e = catchThrowableOfType(FerryException.class, call);
    assertThat(e).as("a FerryException with " + code).isNotNull();
    assertThat(e.hresultName()).as(e.getMessage()).isEqualTo(code.name());
    return e;
  }

  /**
   * Starts a ferryd on {@code socket} over {@code dataDir}, returning once it listens. Its
   * transfers count 3 s without data as a stall, as those of {@link #openEngine}.
   */
  static Ferryd startDaemon(Path socket, Path dataDir) {
    return Ferryd.start(socket, dataDir, "--read-timeout-seconds", "3");
  }

  /**
   * The embedded engine as these tests open it: a 3 s read timeout, no proxy from the environment.
   */
  static JobEngine openEngine(Path dataDir) {
    return JobEngine.open(
        dataDir,
        EngineConfig.defaults().withReadTimeout(Duration.ofSeconds(3)).withEnvironment(Map.of()));
  }
}
