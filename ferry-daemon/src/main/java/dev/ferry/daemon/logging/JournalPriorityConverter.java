package dev.ferry.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %journalPriority}: the {@code <N>} prefix of sd-daemon(3) with the event's syslog
 * priority, which journald reads from the start of each line of a service's stream and strips, so
 * that {@code journalctl -p warning} selects WARN and ERROR lines.
 */
public final class JournalPriorityConverter extends ClassicConverter {
  /** SD_ERR. */
  static final String ERR = "<3>";

  /** SD_WARNING. */
  static final String WARNING = "<4>";

  /** SD_INFO. */
  static final String INFO = "<6>";

  /** SD_DEBUG, for DEBUG and TRACE. */
  static final String DEBUG = "<7>";

  @Override
  public String convert(ILoggingEvent event) {
    return prefix(event.getLevel());
  }

  static String prefix(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> ERR;
      case Level.WARN_INT -> WARNING;
      case Level.INFO_INT -> INFO;
      default -> DEBUG;
    };
  }
}
