package dev.ferry.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through Debian's chromedriver (packages chromium and
 * chromium-driver, which .ci/run installs). Both are named by path, so Selenium Manager never looks
 * for (or downloads) a browser or a driver. Without them the tests that need them fail under CI and
 * are skipped elsewhere, saying what to install, as the cache node's tests do without nginx.
 */
final class Chromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /** Where screenshots go, for a person to look at: the module's target directory. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Fails under CI, else skips the test, when Chromium or its driver is not installed. */
  static void assumeInstalled() {
    String missing = null;
    if (!Files.isExecutable(BROWSER)) {
      missing = BROWSER + " is missing";
    } else if (!Files.isExecutable(DRIVER)) {
      missing = DRIVER + " is missing";
    }
    if (missing == null) {
      return;
    }
    String message = missing + ": install Debian's chromium and chromium-driver (.ci/run does)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
  }

  /** Starts a browser with a fresh profile under {@code dir}. */
  static Chromium start(Path dir) {
    assumeInstalled();
    Path profile;
    try {
      profile = Files.createTempDirectory(dir, "chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,2400",
        "--user-data-dir=" + profile);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    return new Chromium(driver, profile);
  }

  /** Writes what the page looks like now to {@code target/screenshots/NAME.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      dev.ferry.testkit.TestFiles.deleteTree(profile);
    }
  }
}
