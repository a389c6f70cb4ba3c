package dev.ferry.cli;

import dev.ferry.api.JobProgress;
import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress display of {@code ferry get}: a live bar on a terminal, plain lines otherwise. */
abstract class Progress implements AutoCloseable {
  abstract void update(JobProgress progress);

  abstract void note(String message);

  abstract void done(JobProgress progress);

  abstract void failed();

  @Override
  public abstract void close();

  static Progress silent() {
    return new Progress() {
      @Override
      void update(JobProgress progress) {}

      @Override
      void note(String message) {}

      @Override
      void done(JobProgress progress) {}

      @Override
      void failed() {}

      @Override
      public void close() {}
    };
  }

  /**
   * Whether a person is watching. Since JDK 22 System.console() exists even when output is
   * redirected, and only its isTerminal() (absent from release 21) tells.
   */
  static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException olderJdk) {
      return true;
    }
  }

  /** The width of progress lines written to a log rather than a terminal. */
  private static final int LOG_WIDTH = 80;

  static Progress open(String task, PrintWriter err) {
    boolean terminal = isTerminal();
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(task.length() > 40 ? "…" + task.substring(task.length() - 39) : task)
            .setInitialMax(-1)
            .setUnit(" MiB", 1 << 20)
            .showSpeed()
            .setUpdateIntervalMillis(terminal ? 200 : 5000)
            .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
            .setConsumer(
                terminal
                    ? new ConsoleProgressBarConsumer(System.err)
                    // A width given up front: asking for it would start a terminal library
                    // (tens of milliseconds) only to learn there is no terminal.
                    : new DelegatingProgressBarConsumer(
                        line -> {
                          err.println(line.strip());
                          err.flush();
                        },
                        LOG_WIDTH));
    ProgressBar bar = builder.build();
    return new Progress() {
      @Override
      void update(JobProgress progress) {
        if (progress.sizeKnown() && bar.getMax() != progress.bytesTotal()) {
          bar.maxHint(progress.bytesTotal());
        }
        bar.stepTo(progress.bytesTransferred());
      }

      @Override
      void note(String message) {
        bar.setExtraMessage(" " + message);
      }

      @Override
      void done(JobProgress progress) {
        bar.maxHint(progress.bytesTransferred());
        bar.stepTo(progress.bytesTransferred());
        bar.setExtraMessage(" done");
      }

      @Override
      void failed() {
        bar.setExtraMessage(" failed");
      }

      @Override
      public void close() {
        bar.close();
      }
    };
  }
}
