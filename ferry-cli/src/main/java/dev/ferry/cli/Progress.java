package dev.ferry.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress display of the following verbs ({@code get}, {@code transfer}, {@code wait}): a live
 * bar when standard error is a terminal, a plain line every few seconds otherwise, nothing with
 * {@code -q}. The rate and the time left are Ferry's own, from the bytes moved in the last few
 * seconds of this run (bytes already on disk when a download resumes are not counted), so the two
 * always agree. Whatever the verb prints after the display is closed stands on lines of its own.
 */
abstract class Progress implements AutoCloseable {
  private static final long MIB = 1 << 20;

  /**
   * Bytes transferred so far and in all ({@code total} -1 while unknown); {@code status} may be
   * empty.
   */
  abstract void update(long transferred, long total, String status);

  /** A note that stays until replaced or cleared with null (retrying, waiting…). */
  abstract void note(String note);

  /** Ends the display; what is printed next starts on a line of its own. */
  @Override
  public abstract void close();

  static Progress silent() {
    return new Progress() {
      @Override
      void update(long transferred, long total, String status) {}

      @Override
      void note(String note) {}

      @Override
      public void close() {}
    };
  }

  /**
   * The display for standard error: a bar on a terminal, lines in a log.
   *
   * @param initial the bytes already transferred before this run (a resumed download)
   */
  static Progress open(String task, long initial, PrintWriter err) {
    return Terminal.isTerminal(Terminal.STDERR)
        ? new Bar(task, initial, System.err)
        : new Lines(task, initial, err);
  }

  /** MiB with one decimal. */
  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
  }

  static String rate(double bytesPerSecond) {
    return bytesPerSecond >= MIB
        ? String.format(Locale.ROOT, "%.1f MiB/s", bytesPerSecond / MIB)
        : String.format(Locale.ROOT, "%.0f KiB/s", bytesPerSecond / 1024);
  }

  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** The rate over the last few seconds, from samples of the byte count. */
  static final class Meter {
    private static final long WINDOW_NANOS = 5_000_000_000L;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    synchronized void sample(long bytes) {
      long now = System.nanoTime();
      samples.addLast(new long[] {now, bytes});
      while (samples.size() > 2 && now - samples.peekFirst()[0] > WINDOW_NANOS) {
        samples.removeFirst();
      }
    }

    /** Bytes per second over the window; -1 until there is a second's worth of samples. */
    synchronized double rate() {
      if (samples.size() < 2) {
        return -1;
      }
      long[] first = samples.peekFirst();
      long[] last = samples.peekLast();
      long nanos = last[0] - first[0];
      return nanos < 1_000_000_000L ? -1 : (last[1] - first[1]) * 1e9 / nanos;
    }
  }

  /** " 3.1 MiB/s, 0:09 left" or "" while the rate is not known yet. */
  static String rateAndEta(Meter meter, long transferred, long total) {
    double rate = meter.rate();
    if (rate < 0) {
      return "";
    }
    String text = rate(rate);
    if (total >= 0 && rate > 0) {
      text += ", " + duration(Duration.ofSeconds((long) ((total - transferred) / rate))) + " left";
    }
    return text;
  }

  /** The live bar of the progress bar library, on standard error. */
  private static final class Bar extends Progress {
    private final ProgressBar bar;
    private final Meter meter = new Meter();
    private final long initial;
    private volatile String note;

    Bar(String task, long initial, PrintStream err) {
      this.initial = initial;
      int width = Terminal.width();
      int taskWidth = Math.max(8, width / 4);
      String name =
          task.length() > taskWidth ? "…" + task.substring(task.length() - taskWidth + 1) : task;
      this.bar =
          new ProgressBarBuilder()
              .setTaskName(name)
              .setInitialMax(-1)
              .setUnit(" MiB", MIB)
              .hideEta()
              .startsFrom(initial, Duration.ZERO)
              .setUpdateIntervalMillis(200)
              .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
              .setConsumer(
                  new ConsoleProgressBarConsumer(err) {
                    @Override
                    public int getMaxRenderedLength() {
                      return Terminal.width() - 1;
                    }
                  })
              .build();
    }

    @Override
    void update(long transferred, long total, String status) {
      meter.sample(transferred - initial);
      if (total >= 0 && bar.getMax() != total) {
        bar.maxHint(total);
      }
      bar.stepTo(transferred);
      String extra = rateAndEta(meter, transferred, total);
      for (String part : new String[] {status, note}) {
        if (part != null && !part.isEmpty()) {
          extra = extra.isEmpty() ? part : extra + " · " + part;
        }
      }
      // The rest of the line is the name (a quarter), the percentage, the bar (ten cells at
      // least), the MiB and the time: the message gets what is left, so the bar never shrinks to
      // one cell and the numbers are never cut.
      int room = Terminal.width() - 1 - bar.getTaskName().length() - 52;
      if (extra.length() > Math.max(0, room)) {
        extra = room > 1 ? extra.substring(0, room - 1) + "…" : "";
      }
      bar.setExtraMessage(extra.isEmpty() ? "" : " " + extra);
    }

    @Override
    void note(String note) {
      this.note = note;
    }

    private boolean closed;

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        bar.refresh();
        bar.close();
      }
    }
  }

  /** Plain lines for a log: one every five seconds, each note once, in full. */
  private static final class Lines extends Progress {
    private static final long EVERY_NANOS = 5_000_000_000L;
    private final String task;
    private final long initial;
    private final PrintWriter err;
    private final Meter meter = new Meter();
    private long lastLine = System.nanoTime();
    private String note;

    Lines(String task, long initial, PrintWriter err) {
      this.task = task;
      this.initial = initial;
      this.err = err;
    }

    @Override
    synchronized void update(long transferred, long total, String status) {
      meter.sample(transferred - initial);
      long now = System.nanoTime();
      if (now - lastLine < EVERY_NANOS) {
        return;
      }
      lastLine = now;
      StringBuilder line = new StringBuilder(task).append(": ").append(mib(transferred));
      if (total >= 0) {
        line.append(" of ")
            .append(mib(total))
            .append(
                String.format(
                    Locale.ROOT, " (%d%%)", total == 0 ? 100 : transferred * 100 / total));
      }
      String rate = rateAndEta(meter, transferred, total);
      if (!rate.isEmpty()) {
        line.append(", ").append(rate);
      }
      if (status != null && !status.isEmpty()) {
        line.append(" · ").append(status);
      }
      err.println(line);
      err.flush();
    }

    @Override
    synchronized void note(String note) {
      if (note != null && !note.equals(this.note)) {
        err.println("ferry: " + note);
        err.flush();
      }
      this.note = note;
    }

    @Override
    public void close() {
      err.flush();
    }
  }
}
