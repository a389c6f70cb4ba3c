package dev.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command line's logging, set up in code: the command shows its own progress and errors, so the
 * engine's log stays quiet (ERROR, or {@code FERRY_LOG_LEVEL} from the environment or a system
 * property) and goes to stderr. Logback finds this class through the service loader before it looks
 * for an XML file; reading one cost a one-shot command a quarter of a second.
 */
public final class CliLogging extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    // %kvp: the engine's lines name their job as a key-value pair, not in the message.
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg %kvp%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("stderr");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    String level = System.getProperty("FERRY_LOG_LEVEL", System.getenv("FERRY_LOG_LEVEL"));
    root.setLevel(Level.toLevel(level, Level.ERROR));
    root.addAppender(stderr);
    context.getLogger("org.apache.hc").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
