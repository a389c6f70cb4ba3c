package dev.ferry.daemon.logging;

import ch.qos.logback.core.boolex.PropertyConditionBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A condition of {@code logback.xml}: standard error is connected to journald. systemd sets {@code
 * JOURNAL_STREAM=DEV:INODE} for a service whose output goes to the journal; as sd-daemon(3) and
 * systemd.exec(5) advise, the variable is trusted only when it names the stream standard error
 * actually is, since every program a service starts (a terminal emulator and its shells, say)
 * inherits it with its output somewhere else.
 */
public final class StderrIsJournal extends PropertyConditionBase {
  static final String VARIABLE = "JOURNAL_STREAM";

  private static final Path STDERR = Path.of("/proc/self/fd/2");

  @Override
  public boolean evaluate() {
    return matches(System.getenv(VARIABLE), STDERR);
  }

  /** Whether {@code journalStream} ({@code DEV:INODE}, in decimal) is the file {@code fd} opens. */
  static boolean matches(String journalStream, Path fd) {
    if (journalStream == null) {
      return false;
    }
    String[] parts = journalStream.strip().split(":");
    if (parts.length != 2) {
      return false;
    }
    try {
      Map<String, Object> stat = Files.readAttributes(fd, "unix:dev,ino");
      return Long.parseUnsignedLong(parts[0]) == ((Number) stat.get("dev")).longValue()
          && Long.parseUnsignedLong(parts[1]) == ((Number) stat.get("ino")).longValue();
    } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
      return false;
    }
  }
}
