package dev.ferry.rest;

/**
 * GET / PUT {@link Routes#LOG_LEVEL}, and the items of GET {@link Routes#LOG_LEVELS}: one of
 * ferryd's loggers. PUT takes only {@code level}.
 *
 * @param logger the logger's name ({@code dev.ferry}, {@code dev.ferry.engine.job}…), {@code ROOT}
 *     for the root logger
 * @param level the level set on this logger (TRACE, DEBUG, INFO, WARN, ERROR, OFF), or null when it
 *     inherits its parent's; a PUT of null makes it inherit again
 * @param effectiveLevel the level in force for it: its own, else the nearest parent's
 */
public record LogLevelView(String logger, String level, String effectiveLevel) {
  /** The body of a PUT: the level alone. */
  public static LogLevelView of(String level) {
    return new LogLevelView(null, level, null);
  }
}
