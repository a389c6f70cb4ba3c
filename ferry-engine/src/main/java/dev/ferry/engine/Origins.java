package dev.ferry.engine;

import dev.ferry.file.LocalFileSource;
import dev.ferry.http.HttpSource;
import dev.ferry.http.ProxySelection;
import dev.ferry.spi.Source;
import java.util.List;

/**
 * The origins an engine fetches files from, by default: the local file source for {@code file:}
 * URLs and HTTP(S) for the rest, made from the engine's configuration. The core asks each, in
 * order, whether it is the origin of a URL ({@link Source#isOriginFor}); it names neither.
 */
public final class Origins {
  private Origins() {}

  /** The local file source, then HTTP(S), which takes every other URL. */
  public static List<Source> standard(EngineConfig config) {
    return List.of(
        new LocalFileSource(),
        new HttpSource(
            config.connectTimeout(),
            config.readTimeout(),
            new ProxySelection(config.environment()),
            config.tls(),
            // One FOREGROUND job at full stretch: every file it transfers at once, fully ramped.
            config.connectionsPerFile() * config.filesInParallel(),
            config.clock()));
  }
}
