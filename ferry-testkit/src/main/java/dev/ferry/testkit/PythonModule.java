package dev.ferry.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that check Ferry against another project's code in Python (the Prometheus text parser,
 * libtorrent) need Debian's packages of it, which .ci/run installs: under CI a missing module fails
 * the test, elsewhere it skips it, as {@link CacheNode} does for nginx.
 */
public final class PythonModule {
  /** Debian's interpreter, which Debian's python3-* packages install for. */
  public static final String PYTHON = "/usr/bin/python3";

  private PythonModule() {}

  /**
   * Returns when {@code module} imports; otherwise fails (CI) or skips the test, naming {@code
   * what} and the Debian package that has it.
   */
  public static void require(String module, String what, String debianPackage) {
    String missing = null;
    try {
      Process probe =
          new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true).start();
      String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        missing = out.strip();
      }
    } catch (IOException e) {
      missing = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      missing = e.toString();
    }
    if (missing == null) {
      return;
    }
    String message =
        what
            + " is missing ("
            + missing
            + "): install Debian's "
            + debianPackage
            + " (.ci/run does)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
  }
}
