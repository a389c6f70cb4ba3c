package dev.ferry.swarm.ledbat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link SocketRtts#ss}: one {@code sh} kept for the swarm's life runs {@code ss -tinH state
 * established} each time a line is written to it, and ends each output with a line of its own
 * naming ss's exit status. Starting a process from the JVM goes through the JDK's spawn helper (a
 * second exec) and a reaper thread each time; a shell that forks ss for each reading leaves only
 * ss's own start (bench/README.md, "The fleet's CPU", has the figures). The shell starts at the
 * first reading, again after it ended, and ends when its input closes: at {@link #close}, or when
 * this process ends.
 */
final class SsShell implements SocketRtts {
  /** Ends each reading: not a line ss prints. */
  private static final String END = "--ferry-ss-end";

  private static final String LOOP =
      "while read -r _; do ss -tinH state established 2>&1; echo \"" + END + " $?\"; done";

  /** Held by a reading; a lock, not a monitor, since the reading waits on the shell's output. */
  private final ReentrantLock reading = new ReentrantLock();

  /** The shell, read by {@link #close} without the lock that a reading holds. */
  private volatile Process shell;

  private volatile boolean closed;
  private BufferedReader out;
  private OutputStream in;

  @Override
  public List<RttSample> read() {
    reading.lock();
    try {
      return readLocked();
    } finally {
      reading.unlock();
    }
  }

  private List<RttSample> readLocked() {
    if (closed) {
      return List.of();
    }
    try {
      if (shell == null || !shell.isAlive()) {
        start();
        if (closed) {
          stop();
          return List.of();
        }
      }
      in.write('\n');
      in.flush();
      StringBuilder text = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(END + " ")) {
          return line.equals(END + " 0") ? SocketRtts.parse(text.toString()) : List.of();
        }
        text.append(line).append('\n');
      }
      // The shell ended mid-reading; the next reading starts another.
      stop();
      return List.of();
    } catch (IOException e) {
      stop();
      return List.of();
    }
  }

  /** Ends the shell, at once: a reading under way ends with nothing. */
  @Override
  public void close() {
    closed = true;
    stop();
  }

  private void start() throws IOException {
    stop();
    Process started = new ProcessBuilder("sh", "-c", LOOP).redirectErrorStream(true).start();
    out =
        new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
    in = started.getOutputStream();
    shell = started;
  }

  private void stop() {
    Process p = shell;
    shell = null;
    if (p != null) {
      p.destroyForcibly();
    }
  }
}
