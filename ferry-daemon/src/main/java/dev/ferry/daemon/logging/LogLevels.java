package dev.ferry.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.rest.LogLevelView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The levels of ferryd's loggers, read and changed while it runs: Logback's, since that is what
 * ferryd logs through. A change lasts until the daemon stops; the next start takes {@code
 * logback.xml}'s levels and the log-level option again.
 */
public final class LogLevels {
  /** The logger {@code ferry log-level LEVEL} and the log-level option change: all of Ferry's. */
  public static final String FERRY = "dev.ferry";

  /** The levels, least to most severe. */
  public static final List<String> NAMES =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  // Java names: a logger is named after a package or a class.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$][A-Za-z0-9_$.\\-]{0,199}");

  private final LoggerContext context;

  private LogLevels(LoggerContext context) {
    this.context = context;
  }

  /**
   * This process's levels.
   *
   * @throws FerryException E_NOTIMPL when SLF4J does not log through Logback here (ferryd embedded
   *     in a program that logs through something else)
   */
  public static LogLevels current() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      return new LogLevels(context);
    }
    throw new FerryException(
        HResult.E_NOTIMPL,
        "log levels can only be changed when ferryd logs through Logback, not "
            + factory.getClass().getName());
  }

  /** The loggers that have a level of their own, the root logger first, then by name. */
  public List<LogLevelView> configured() {
    List<LogLevelView> views = new ArrayList<>();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        views.add(view(logger));
      }
    }
    views.sort(
        Comparator.comparing((LogLevelView v) -> !v.logger().equals(Logger.ROOT_LOGGER_NAME))
            .thenComparing(LogLevelView::logger));
    return views;
  }

  /** One logger, which need not have a level of its own. */
  public LogLevelView get(String name) {
    return view(logger(name));
  }

  /**
   * Sets a logger's level; a null {@code level} makes it inherit its parent's again.
   *
   * @throws FerryException E_INVALIDARG for a name that is no logger's, a word that is no level, or
   *     the root logger without a level
   */
  public LogLevelView set(String name, String level) {
    Logger logger = logger(name);
    Level parsed = level == null ? null : parse(level);
    if (parsed == null && logger.getName().equals(Logger.ROOT_LOGGER_NAME)) {
      throw new FerryException(HResult.E_INVALIDARG, "the root logger must have a level");
    }
    logger.setLevel(parsed);
    return view(logger);
  }

  /**
   * A level's name, in any case.
   *
   * @throws FerryException E_INVALIDARG for anything else: Logback's own parsing would take a typo
   *     for DEBUG
   */
  public static Level parse(String text) {
    String upper = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
    if (!NAMES.contains(upper)) {
      throw new FerryException(
          HResult.E_INVALIDARG,
          "'" + text + "' is not a log level: one of " + String.join(", ", NAMES));
    }
    return Level.toLevel(upper);
  }

  private Logger logger(String name) {
    if (name == null || name.equalsIgnoreCase(Logger.ROOT_LOGGER_NAME)) {
      return context.getLogger(Logger.ROOT_LOGGER_NAME);
    }
    if (!NAME.matcher(name).matches()) {
      throw new FerryException(HResult.E_INVALIDARG, "'" + name + "' is not a logger's name");
    }
    return context.getLogger(name);
  }

  private static LogLevelView view(Logger logger) {
    return new LogLevelView(
        logger.getName(),
        logger.getLevel() == null ? null : logger.getLevel().toString(),
        logger.getEffectiveLevel().toString());
  }
}
