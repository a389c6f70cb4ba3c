package dev.ferry.daemon.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Puts ferryd's logging in place when it runs as a program: {@code logback.xml} of this module (or
 * the file {@code -Dlogback.configurationFile} names), then the starting level of {@link
 * LogLevels#FERRY}. Logback configures itself from that file when ferryd's jar is all there is, but
 * {@code ferry daemon} runs inside the command line, whose own quiet configuration Logback finds
 * first: so ferryd configures Logback again, unless that file already did.
 */
public final class DaemonLogging {
  /** The environment variable that sets {@link LogLevels#FERRY}'s starting level. */
  public static final String LEVEL_VARIABLE = "FERRY_LOG_LEVEL";

  /** The name {@code logback.xml} gives the context: configured by ferryd's file already. */
  static final String CONTEXT_NAME = "ferryd";

  private DaemonLogging() {}

  /**
   * Configures Logback for ferryd, then sets {@link LogLevels#FERRY} to {@code level}, else to
   * {@link #LEVEL_VARIABLE}'s when set. Does nothing when SLF4J logs through something else.
   *
   * @throws dev.ferry.api.FerryException E_INVALIDARG when the level is no level's name
   */
  public static void install(Optional<String> level) {
    Optional<String> wanted = level.or(() -> Optional.ofNullable(System.getenv(LEVEL_VARIABLE)));
    wanted.ifPresent(LogLevels::parse);
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    if (!CONTEXT_NAME.equals(context.getName())) {
      configure(context);
    }
    wanted.ifPresent(name -> LogLevels.current().set(LogLevels.FERRY, name));
  }

  private static void configure(LoggerContext context) {
    URL file = configurationFile();
    if (file == null) {
      return;
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(file);
    } catch (JoranException e) {
      // Logback recorded what went wrong in its status; print it where the log would go.
    }
    new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
  }

  private static URL configurationFile() {
    String explicit = System.getProperty("logback.configurationFile");
    if (explicit != null && !explicit.isBlank()) {
      try {
        return explicit.contains(":/")
            ? java.net.URI.create(explicit).toURL()
            : Path.of(explicit).toUri().toURL();
      } catch (MalformedURLException | RuntimeException e) {
        return null;
      }
    }
    return DaemonLogging.class.getResource("/logback.xml");
  }
}
