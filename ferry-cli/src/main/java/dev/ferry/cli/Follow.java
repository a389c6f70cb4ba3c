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
    String lastNote = "";
    while (true) {
      if (foreground.interrupted()) {
        progress.failed();
        err.println("ferry: " + interruptedMessage);
        return ExitCodes.INTERRUPTED;
      }
      JobState state = job.state();
      JobProgress p = job.progress();
      progress.update(p);
      switch (state) {
        case TRANSFERRED -> {
          if (finish) {
            HResult result = job.complete();
            if (result != HResult.S_OK) {
              err.println("ferry: " + result.message() + " [" + result.name() + "]");
            }
          }
          progress.done(p);
          return ExitCodes.OK;
        }
        case ERROR -> {
          String reason = job.error().map(Follow::describe).orElse("the transfer failed");
          if (finish) {
            job.cancel();
          }
          progress.failed();
          err.println("ferry: " + reason);
          return ExitCodes.FAILED;
        }
        case SUSPENDED -> {
          progress.failed();
          err.println("ferry: job " + job.id() + " is suspended; it transfers again once resumed");
          return ExitCodes.FAILED;
        }
        case CANCELLED, ACKNOWLEDGED -> {
          progress.failed();
          err.println(
              "ferry: job "
                  + job.id()
                  + " was "
                  + state.name().toLowerCase(Locale.ROOT)
                  + " by another program");
          return ExitCodes.FAILED;
        }
        case TRANSIENT_ERROR -> {
          String note = job.error().map(Follow::describe).orElse("retrying");
          if (!note.equals(lastNote)) {
            progress.note("retrying: " + note);
            lastNote = note;
          }
        }
        default -> lastNote = "";
      }
      if (!timeout.isZero() && System.nanoTime() - deadline > 0) {
        progress.failed();
        err.println(
            "ferry: gave up after " + timeout.toSeconds() + " s: job " + job.id() + " is " + state);
        return ExitCodes.FAILED;
      }
      foreground.pause(POLL);
    }
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
