package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Waits and checks shared by the client's tests. Waits poll; they never sleep and hope. */
final class TestSupport {
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private TestSupport() {}

  static void awaitState(BackgroundCopyJob job, JobState state) {
    await("job " + job.id() + " to reach " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(job.state()).isEqualTo(state));
  }

  /** The call fails with exactly {@code code}; returns the exception for further checks. */
  static FerryException assertHResult(ThrowingCallable call, HResult code) {
    FerryException e = catchThrowableOfType(FerryException.class, call);
    assertThat(e).as("a FerryException with " + code).isNotNull();
    assertThat(e.hresultName()).as(e.getMessage()).isEqualTo(code.name());
    return e;
  }

  static String sha256(Path file) {
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

  /** A short directory under /tmp: Unix socket paths must stay under about 100 bytes. */
  static Path shortTempDir() {
    try {
      return Files.createTempDirectory(Path.of("/tmp"), "fd");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException ignored) {
              // Best effort: a temporary directory.
            }
          });
    } catch (IOException ignored) {
      // Best effort.
    }
  }
}
