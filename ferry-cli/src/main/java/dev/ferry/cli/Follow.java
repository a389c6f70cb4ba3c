package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobProgress;
import dev.ferry.api.JobState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Follows a job until it is transferred or fails, updating a progress display; the loop behind
 * {@code get}, {@code transfer} and {@code wait}. Like {@code bitsadmin /transfer} it waits through
 * transient errors (the job retries by itself). When {@link #finishing} it also completes the job
 * on success and cancels it on a fatal error.
 */
final class Follow {
  private static final Duration POLL = Duration.ofMillis(200);

  private final BackgroundCopyJob job;
  private final PrintWriter err;
  private final Foreground foreground;
  private boolean finish;
  private Duration timeout = Duration.ZERO;
  private String interruptedMessage = "interrupted";

  Follow(BackgroundCopyJob job, PrintWriter err, Foreground foreground) {
    this.job = job;
    this.err = err;
    this.foreground = foreground;
  }

  /** Complete on success, cancel on a fatal error. */
  Follow finishing() {
    this.finish = true;
    return this;
  }

  /** Give up (exit 1) after this long; zero waits for ever. */
  Follow timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** What to say after Ctrl+C. */
  Follow onInterrupt(String message) {
    this.interruptedMessage = message;
    return this;
  }

  /** Follows the job; the exit code of the verb. */
  int run(Progress progress) throws InterruptedException {
    boolean woken = wakeOnEvents();
    try {
      return follow(progress);
    } finally {
      if (woken) {
        try {
          job.setNotifyInterface(null);
        } catch (FerryException finalAlready) {
          // A completed or cancelled job keeps no callback anyway.
        }
      }
    }
  }

  /**
   * Lets the job's own notifications end each wait early, so a finished transfer is completed at
   * once rather than at the next poll (up to {@link #POLL} later, a fifth of a small download). A
   * job that has a callback already keeps it, and is polled.
   */
  private boolean wakeOnEvents() {
    if (job.notifyInterface().isPresent()) {
      return false;
    }
    try {
      job.setNotifyInterface(
          new BackgroundCopyCallback() {
            @Override
            public void jobTransferred(BackgroundCopyJob job) {
              foreground.wake();
            }

            @Override
            public void jobError(BackgroundCopyJob job, BackgroundCopyError error) {
              foreground.wake();
            }
          });
      return true;
    } catch (FerryException finalAlready) {
      return false;
    }
  }

  private int follow(Progress progress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (foreground.interrupted()) {
        return end(progress, ExitCodes.INTERRUPTED, interruptedMessage);
      }
      JobState state = job.state();
      JobProgress p = job.progress();
      progress.update(p.bytesTransferred(), p.sizeKnown() ? p.bytesTotal() : -1, "");
      switch (state) {
        case TRANSFERRED -> {
          String note = null;
          if (finish) {
            HResult result = job.complete();
            if (result != HResult.S_OK) {
              note = result.message() + " [" + result.name() + "]";
            }
          }
          return end(progress, ExitCodes.OK, note);
        }
        case ERROR -> {
          String reason = job.error().map(Follow::describe).orElse("the transfer failed");
          if (finish) {
            job.cancel();
          }
          return end(progress, ExitCodes.FAILED, reason);
        }
        case SUSPENDED -> {
          if (foreground.interruptRequested()) {
            foreground.pause(POLL);
            continue;
          }
          return end(
              progress,
              ExitCodes.FAILED,
              "job " + job.id() + " is suspended; it transfers again once resumed");
        }
        case CANCELLED, ACKNOWLEDGED -> {
          return end(
              progress,
              ExitCodes.FAILED,
              "job "
                  + job.id()
                  + " was "
                  + state.name().toLowerCase(Locale.ROOT)
                  + " by another program");
        }
        case TRANSIENT_ERROR ->
            progress.note(
                "retrying: "
                    + job.error().map(Follow::describe).orElse("a transient error")
                    + " (error "
                    + job.errorCount()
                    + ")");
        default -> progress.note(null);
      }
      if (!timeout.isZero() && System.nanoTime() - deadline > 0) {
        return end(
            progress,
            ExitCodes.FAILED,
            "gave up after " + timeout.toSeconds() + " s: job " + job.id() + " is " + state);
      }
      foreground.pause(POLL);
    }
  }

  /**
   * Closes the display, then says why it ended (on a line of its own), and returns {@code code}.
   */
  private int end(Progress progress, int code, String message) {
    progress.close();
    if (message != null) {
      err.println("ferry: " + message);
      err.flush();
    }
    return code;
  }

  /** An error as one line: the file, the description, the context, then [NAME 0x…]. */
  static String describe(BackgroundCopyError error) {
    String file = error.file().map(f -> f.remoteName() + ": ").orElse("");
    return file
        + error.errorDescription(Locale.ENGLISH).strip()
        + " (context: "
        + error.context()
        + ") ["
        + HResult.nameOf(error.code())
        + " "
        + HResult.hex(error.code())
        + "]";
  }
}
