package dev.ferry.cli;

import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For tests of {@code ferry} against the embedded engine: an origin, a downloads directory, a data
 * directory of this test's own, and a {@code ferry} given it; each command opens the engine there,
 * as a script's successive {@code ferry} calls would.
 */
abstract class EmbeddedCliTest {
  @TempDir Path tmp;
  TestOrigin origin;
  Path dataDir;
  Path downloads;
  Cli ferry;

  @BeforeEach
  void startOrigin() throws IOException {
    origin = TestOrigin.start();
    dataDir = tmp.resolve("data");
    downloads = Files.createDirectories(tmp.resolve("downloads"));
    ferry = new Cli("--data-dir", dataDir.toString());
  }

  @AfterEach
  void stopOrigin() {
    origin.close();
  }
}
