package dev.ferry.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.ferry.testkit.LogLines;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class LogfmtConverterTest {
  private final LoggerContext context = new LoggerContext();

  private LoggingEvent event(
      Level level, String message, Throwable thrown, Map<String, String> mdc) {
    LoggingEvent event =
        new LoggingEvent("test", context.getLogger("dev.ferry.test"), level, message, thrown, null);
    event.setMDCPropertyMap(mdc);
    return event;
  }

  @Test
  void aMessageWithKeyValuesIsOneLogfmtLineThatReadsBack() {
    LoggingEvent event =
        event(Level.WARN, "job failed, will retry", null, Map.of("caller", "1000"));
    event.addKeyValuePair(new KeyValuePair("job", "2f1c"));
    event.addKeyValuePair(new KeyValuePair("reason", "said \"no\"\nthen\tleft \\ ="));
    event.addKeyValuePair(new KeyValuePair("empty", ""));
    event.addKeyValuePair(new KeyValuePair("odd key=", 7));

    String line = new LogfmtConverter().convert(event);

    assertThat(line).doesNotContain("\n").startsWith("level=WARN logger=dev.ferry.test msg=");
    assertThat(LogLines.parse(line))
        .containsExactly(
            Map.entry("level", "WARN"),
            Map.entry("logger", "dev.ferry.test"),
            Map.entry("msg", "job failed, will retry"),
            Map.entry("caller", "1000"),
            Map.entry("job", "2f1c"),
            Map.entry("reason", "said \"no\"\nthen\tleft \\ ="),
            Map.entry("empty", ""),
            Map.entry("odd_key_", "7"));
  }

  @Test
  void anExceptionAndItsStackStayOnTheLine() {
    LoggingEvent event =
        event(
            Level.ERROR,
            "boom",
            new IOException("disk gone", new IllegalStateException("root")),
            Map.of());

    String line = new LogfmtConverter().convert(event);

    assertThat(line).doesNotContain("\n");
    Map<String, String> fields = LogLines.parse(line);
    assertThat(fields.get("error")).isEqualTo("java.io.IOException: disk gone");
    assertThat(fields.get("stack"))
        .contains("\tat dev.ferry.daemon.logging.LogfmtConverterTest")
        .contains("Caused by: java.lang.IllegalStateException: root");
  }

  @Test
  void journalPrioritiesAreSdDaemonsPrefixes() {
    assertThat(JournalPriorityConverter.prefix(Level.ERROR)).isEqualTo("<3>");
    assertThat(JournalPriorityConverter.prefix(Level.WARN)).isEqualTo("<4>");
    assertThat(JournalPriorityConverter.prefix(Level.INFO)).isEqualTo("<6>");
    assertThat(JournalPriorityConverter.prefix(Level.DEBUG)).isEqualTo("<7>");
    assertThat(JournalPriorityConverter.prefix(Level.TRACE)).isEqualTo("<7>");
  }
}
