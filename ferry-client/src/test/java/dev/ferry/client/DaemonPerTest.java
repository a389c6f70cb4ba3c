package dev.ferry.client;

import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For each test: a short temporary directory, an origin, and a ferryd on {@code dir/d.sock} over
 * {@code dir/data}; all gone after the test.
 */
abstract class DaemonPerTest {
  Path dir;
  TestOrigin origin;
  Ferryd daemon;

  @BeforeEach
  void startDaemon() {
    dir = TestFiles.shortTempDir("fd");
    origin = TestOrigin.start();
    daemon = TestSupport.startDaemon(dir.resolve("d.sock"), dir.resolve("data"));
  }

  @AfterEach
  void stopDaemon() {
    try {
      if (daemon != null) {
        daemon.close();
      }
      origin.close();
    } finally {
      TestFiles.deleteTree(dir);
    }
  }
}
