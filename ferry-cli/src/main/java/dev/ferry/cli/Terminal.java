package dev.ferry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.terminal.TerminalBuilder;

/**
 * Whether a stream is a terminal, and how wide the terminal of standard error is. The progress
 * display is written to standard error, so that is the stream to ask about: {@code
 * System.console()} answers for standard input and output, which wrote escape codes into {@code
 * ferry get URL 2>log} and plain lines onto the terminal of {@code ferry get URL >file}.
 */
final class Terminal {
  static final int STDOUT = 1;
  static final int STDERR = 2;

  private static final int DEFAULT_WIDTH = 80;
  private static final long WIDTH_REFRESH_NANOS = 2_000_000_000L;

  private static org.jline.terminal.Terminal terminal;
  private static int width;
  private static long widthReadAt;

  private Terminal() {}

  /**
   * Whether file descriptor {@code fd} of this process is a terminal: what {@code /proc} says it is
   * open on (a pseudo-terminal or a console), which costs no process and no native call. Without
   * {@code /proc}, the JVM's own answer for standard input and output.
   */
  static boolean isTerminal(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    try {
      String target = Files.readSymbolicLink(link).toString();
      return target.startsWith("/dev/pts/")
          || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException noProc) {
      return System.console() != null;
    }
  }

  /**
   * The width of standard error's terminal, read again every two seconds so that a resized window
   * is followed. The terminal library is asked without native signal handlers: with them (its
   * default, and how the progress bar library builds its own) it set SIGINT back to the system's
   * default action, so Ctrl+C killed the JVM before its shutdown hooks could suspend the job.
   */
  static synchronized int width() {
    long now = System.nanoTime();
    if (width == 0 || now - widthReadAt > WIDTH_REFRESH_NANOS) {
      widthReadAt = now;
      try {
        if (terminal == null) {
          terminal =
              TerminalBuilder.builder()
                  .system(true)
                  .systemOutput(TerminalBuilder.SystemOutput.SysErr)
                  .nativeSignals(false)
                  .signalHandler(org.jline.terminal.Terminal.SignalHandler.SIG_IGN)
                  .dumb(true)
                  .build();
        }
        int read = terminal.getWidth();
        width = read >= 20 ? read : DEFAULT_WIDTH;
      } catch (IOException | RuntimeException e) {
        width = DEFAULT_WIDTH;
      }
    }
    return width;
  }
}
