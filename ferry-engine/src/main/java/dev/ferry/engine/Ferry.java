package dev.ferry.engine;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobOwner;
import dev.ferry.engine.job.JobEngine;
import java.nio.file.Files;
import java.nio.file.Path;

/** Entry points: the embedded engine for one process, or an engine that a daemon shares. */
public final class Ferry {
  private Ferry() {}

  /**
   * Opens the embedded engine over {@code dataDir} and a manager acting for the current OS user.
   * Closing the manager stops the transfers (they resume at the next open) and closes the engine.
   */
  public static BackgroundCopyManager embedded(Path dataDir) {
    return embedded(dataDir, EngineConfig.defaults());
  }

  public static BackgroundCopyManager embedded(Path dataDir, EngineConfig config) {
    JobEngine engine = JobEngine.open(dataDir, config);
    return engine.ownedManager(currentUser());
  }

  /** Opens an engine that serves several callers (the daemon). */
  public static Engine open(Path dataDir, EngineConfig config) {
    if (!config.cacheHosts().enabled()) {
      // The cache hosts `ferry policy` set, where the configuration (ferryd's options) names none.
      config =
          dev.ferry.cache.CacheConfigFile.read(dataDir).map(config::withCacheHosts).orElse(config);
    }
    return JobEngine.open(dataDir, config);
  }

  /**
   * The default data directory: {@code $XDG_DATA_HOME/ferry}, else {@code ~/.local/share/ferry}.
   */
  public static Path defaultDataDir() {
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("ferry");
  }

  /** The OS user this process runs as. */
  public static JobOwner currentUser() {
    String name = System.getProperty("user.name", "");
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return new JobOwner(((Number) uid).longValue(), name);
    } catch (Exception notLinux) {
      return new JobOwner(name.equals("root") ? 0 : 1000, name);
    }
  }
}
