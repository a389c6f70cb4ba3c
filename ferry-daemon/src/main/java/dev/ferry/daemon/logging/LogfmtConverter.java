package dev.ferry.daemon.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %logfmt}: the event as logfmt, {@code level=INFO logger=… msg="…" key=value…}: the level,
 * the logger's full name (what {@code ferry log-level} takes), the message, then the MDC (the
 * request's caller), then the key-value pairs of SLF4J's fluent API in the order they were added,
 * then the exception with its stack trace, escaped so that the whole event stays one line. The
 * pattern around it adds the time or the journal's priority.
 */
public final class LogfmtConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    StringBuilder out = new StringBuilder(128);
    Logfmt.append(out, "level", event.getLevel());
    Logfmt.append(out, "logger", event.getLoggerName());
    Logfmt.append(out, "msg", event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      // Sorted, so that two lines of the same kind read alike.
      new TreeMap<>(mdc).forEach((key, value) -> Logfmt.append(out, key, value));
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        Logfmt.append(out, pair.key, pair.value);
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      Logfmt.append(out, "error", thrown.getClassName() + ": " + thrown.getMessage());
      Logfmt.append(out, "stack", ThrowableProxyUtil.asString(thrown).stripTrailing());
    }
    return out.toString();
  }
}
