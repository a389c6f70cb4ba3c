package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.HResult;
import dev.ferry.api.JobProgress;
import dev.ferry.api.JobState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Follows the jobs of one {@code ferry get} until every file is in place or has failed.
 *
 * <p>A job keeps BITS's patience: it retries transient errors until its no-progress timeout. A
 * one-shot download at a terminal should not: a name that does not resolve fails at once, a
 * connection refused three times in a row fails then (curl and aria2c fail at once), a full disk
 * stops the download with its partial files kept for a later resume. Jobs queued in ferryd by other
 * verbs are not followed by this, and keep their patience.
 *
 * <p>A URL that fails does not take the others with it. BITS puts the whole job in ERROR when one
 * file fails; then the job is completed, which keeps the files transferred so far, and the files
 * still missing go on in a new job. Files that were only partly transferred start again there.
 */
final class GetRun {
  /** How often the jobs are read while the progress bar shows them. */
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * How often they are read with nothing shown ({@code -q}): a transfer's end and an error wake the
   * loop at once ({@link #wakeOnEvents}), and through ferryd every read is two requests, which cost
   * the client and ferryd CPU all the download long (bench/README.md, the fleet through ferryd).
   */
  private static final Duration QUIET_POLL = Duration.ofSeconds(1);

  /** How many refused connections in a row end a file. */
  static final int REFUSED_ATTEMPTS = 3;

  /** Above this many files a job's file list is not read for the status line. */
  private static final int LISTED_FILES = 200;

  private final GetCommand command;
  private final Session session;
  private final PrintWriter err;
  private final List<Tracked> active = new CopyOnWriteArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final int skipped;
  private final int filesWanted;
  private Foreground foreground;
  private int filesDone;
  private long bytesDone;

  /** Bytes of the finished jobs that came from cache servers, for the summary. */
  private long cacheBytes;

  /** Bytes of the finished jobs that came from peers, for the summary. */
  private long peerBytes;

  /** What each finished file's bytes came from, for --json. */
  private final List<FileSources> sources = new ArrayList<>();

  /** Whether a finished file's statistics were read, to learn whether cache servers serve. */
  private boolean cachesProbed;

  private String inFlight = "";
  private long inFlightReadAt;

  /** One job being followed, and what its errors have been so far. */
  private static final class Tracked {
    BackgroundCopyJob job;
    int errorCount;
    int lastCode;
    int attempts;

    Tracked(BackgroundCopyJob job) {
      this.job = job;
      this.errorCount = job.errorCount();
    }
  }

  GetRun(GetCommand command, Session session, List<BackgroundCopyJob> jobs, int skipped) {
    this.command = command;
    this.session = session;
    this.err = command.err();
    this.skipped = skipped;
    int files = 0;
    for (BackgroundCopyJob job : jobs) {
      active.add(new Tracked(job));
      files += job.progress().filesTotal();
    }
    this.filesWanted = files;
  }

  /** Ctrl+C: every job still followed is suspended, to be resumed by the same command. */
  void suspendAll() {
    for (Tracked t : active) {
      t.job.suspend();
    }
  }

  int follow(Foreground foreground) throws InterruptedException {
    this.foreground = foreground;
    for (Tracked t : active) {
      wakeOnEvents(t.job);
    }
    long started = System.nanoTime();
    long initial = 0;
    for (Tracked t : active) {
      initial += t.job.progress().bytesTransferred();
    }
    String task =
        filesWanted == 1
            ? Path.of(active.get(0).job.files().get(0).localName()).getFileName().toString()
            : filesWanted + " files";
    Progress progress = command.quiet() ? Progress.silent() : Progress.open(task, initial, err);
    long transferred = initial;
    try {
      while (!active.isEmpty()) {
        if (foreground.interrupted()) {
          progress.close();
          err.println("ferry: interrupted; run the same command again to resume");
          return ExitCodes.INTERRUPTED;
        }
        transferred = bytesDone;
        long total = bytesDone;
        String note = null;
        for (Tracked t : active) {
          JobState state;
          JobProgress p;
          try {
            state = t.job.state();
            p = t.job.progress();
          } catch (FerryException gone) {
            if (gone.is(HResult.DO_E_NO_SERVICE) && takeOver()) {
              break;
            }
            failAll(t, "job " + t.job.id() + " is gone: " + gone.getMessage());
            continue;
          }
          switch (state) {
            case TRANSFERRED -> {
              finish(t, p);
              continue;
            }
            case ERROR -> {
              failed(t, t.job.error(), "");
              continue;
            }
            case TRANSIENT_ERROR -> {
              Optional<String> stop = transientError(t);
              if (stop.isPresent()) {
                progress.close();
                suspendAll();
                err.println("ferry: " + stop.get());
                return ExitCodes.FAILED;
              }
              if (active.contains(t)) {
                note = retrying(t);
              } else {
                continue;
              }
            }
            case SUSPENDED, CANCELLED, ACKNOWLEDGED -> {
              if (state == JobState.SUSPENDED && foreground.interruptRequested()) {
                // Suspended by this command's own Ctrl+C, which the next turn reports.
                continue;
              }
              failAll(
                  t,
                  "job "
                      + t.job.id()
                      + " was "
                      + state.name().toLowerCase(Locale.ROOT)
                      + " by another program");
              continue;
            }
            default -> {
              if (state == JobState.TRANSFERRING) {
                t.attempts = 0;
              }
            }
          }
          transferred += p.bytesTransferred();
          total = total < 0 || !p.sizeKnown() ? -1 : total + p.bytesTotal();
        }
        progress.note(note);
        progress.update(transferred, total, status());
        if (!active.isEmpty()) {
          foreground.pause(command.quiet() ? QUIET_POLL : POLL);
        }
      }
    } finally {
      progress.close();
    }
    summary(bytesDone - initial, System.nanoTime() - started);
    if (command.json()) {
      command.out().println(FileSources.record(sources, failures.size()));
      command.out().flush();
    }
    return failures.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** "3/10 files · a.bin, b.bin" for several files; nothing for one. */
  private String status() {
    if (filesWanted <= 1) {
      return "";
    }
    long now = System.nanoTime();
    if (now - inFlightReadAt > 2_000_000_000L) {
      inFlightReadAt = now;
      List<String> names = new ArrayList<>();
      for (Tracked t : active) {
        try {
          if (t.job.progress().filesTotal() > LISTED_FILES) {
            continue;
          }
          for (BackgroundCopyFile f : t.job.files()) {
            var fp = f.progress();
            if (!fp.transferred() && fp.bytesTransferred() > 0) {
              names.add(Path.of(f.localName()).getFileName().toString());
            }
          }
        } catch (FerryException gone) {
          // Ended meanwhile; the loop notices.
        }
      }
      inFlight =
          names.isEmpty()
              ? ""
              : " · "
                  + String.join(", ", names.subList(0, Math.min(4, names.size())))
                  + (names.size() > 4 ? " +" + (names.size() - 4) : "");
    }
    int done = filesDone;
    for (Tracked t : active) {
      try {
        done += t.job.progress().filesTransferred();
      } catch (FerryException gone) {
        // Counted once the loop has dealt with it.
      }
    }
    return done + "/" + filesWanted + " files" + inFlight;
  }

  /**
   * The command that shared the embedded engine with this one has ended: this one opens the engine
   * (or becomes the client of the next command sharing it) and follows the same jobs there.
   */
  private boolean takeOver() {
    if (!session.reopen()) {
      return false;
    }
    for (Tracked t : active) {
      t.job = session.manager().getJob(t.job.id());
      t.errorCount = t.job.errorCount();
      wakeOnEvents(t.job);
    }
    return true;
  }

  private void finish(Tracked t, JobProgress p) {
    List<FileSources> counted = List.of();
    if (command.json() || command.usesPeers()) {
      counted = FileSources.of(t.job, session.manager());
      for (FileSources s : counted) {
        cacheBytes += s.cache();
        peerBytes += s.peers().total();
      }
    } else if (!command.quiet() && (command.asksCaches() || !cachesProbed || cacheBytes > 0)) {
      // One more request per file, only where cache servers serve: the user asked for one, or the
      // first file came through one (the machine's cache hosts). A plain get of many small files
      // pays for the first file alone (`ferry do status` shows every file's counts).
      cachesProbed = true;
      cacheBytes += FileSources.fromCache(t.job, session.manager());
    }
    HResult result = t.job.complete();
    if (result != HResult.S_OK) {
      err.println(
          "ferry: job " + t.job.id() + ": " + result.message() + " [" + result.name() + "]");
    }
    if (command.json()) {
      for (FileSources s : counted) {
        sources.add(s.hashed());
      }
    }
    filesDone += p.filesTotal();
    bytesDone += p.bytesTransferred();
    active.remove(t);
  }

  /**
   * A file or the job failed for good. The job is cancelled when it has no other file to save; else
   * it is completed (keeping what was transferred) and, when the error names its file, the other
   * files still missing go on in a new job (an error of the whole job ends them all).
   */
  private void failed(Tracked t, Optional<BackgroundCopyError> error, String suffix) {
    String reason = error.map(Follow::describe).orElse("the transfer failed") + suffix;
    Optional<BackgroundCopyFile> bad = error.flatMap(BackgroundCopyError::file);
    List<BackgroundCopyFile> files = t.job.files();
    failures.add(reason);
    if (files.size() == 1) {
      t.job.cancel();
      active.remove(t);
      return;
    }
    List<FileInfo> rest = new ArrayList<>();
    for (BackgroundCopyFile f : files) {
      var fp = f.progress();
      if (fp.transferred()) {
        filesDone++;
        bytesDone += fp.bytesTransferred();
      } else if (bad.isPresent()
          && !(f.remoteName().equals(bad.get().remoteName())
              && f.localName().equals(bad.get().localName()))) {
        rest.add(new FileInfo(f.remoteName(), f.localName()));
      }
    }
    if (bad.isPresent() && unreachable(error.get().code())) {
      // The other files from a host that does not answer would each wait out the same attempts.
      String host = host(bad.get().remoteName());
      rest.removeIf(f -> {
        boolean same = host != null && host.equals(host(f.remoteName()));
        if (same) {
          failures.add(f.remoteName() + ": not tried, " + host + " did not answer");
        }
        return same;
      });
    }
    t.job.complete();
    active.remove(t);
    if (!rest.isEmpty()) {
      BackgroundCopyJob next = command.create(session.manager(), rest);
      wakeOnEvents(next);
      active.add(new Tracked(next));
    }
  }

  private static boolean unreachable(int code) {
    return code == HResult.ERROR_INTERNET_NAME_NOT_RESOLVED.value()
        || code == HResult.ERROR_INTERNET_CANNOT_CONNECT.value();
  }

  private static String host(String url) {
    try {
      return java.net.URI.create(url).getRawAuthority();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private void failAll(Tracked t, String reason) {
    failures.add(reason);
    active.remove(t);
  }

  /**
   * Counts the attempts of a transient error and ends those that retrying will not fix soon. A full
   * disk ends the whole run (its message); the others end the file.
   */
  private Optional<String> transientError(Tracked t) {
    Optional<BackgroundCopyError> error = t.job.error();
    if (error.isEmpty()) {
      return Optional.empty();
    }
    int code = error.get().code();
    int count = t.job.errorCount();
    if (count != t.errorCount) {
      t.errorCount = count;
      t.attempts = code == t.lastCode ? t.attempts + 1 : 1;
      t.lastCode = code;
    } else if (t.attempts == 0) {
      t.attempts = 1;
      t.lastCode = code;
    }
    if (code == HResult.ERROR_DISK_FULL.value()) {
      return Optional.of(
          Follow.describe(error.get())
              + "; the download is suspended with what it has: free some space and run the same"
              + " command again to resume it, or 'ferry cancel "
              + t.job.id()
              + "' to delete its partial files");
    }
    if (command.waitsForCaches()) {
      // The error may be a cache host's, which the job waits out by its fallback delay rather than
      // going to the origin: only --timeout ends it.
      return Optional.empty();
    }
    if (code == HResult.ERROR_INTERNET_NAME_NOT_RESOLVED.value()) {
      failed(t, error, "");
    } else if ((code == HResult.ERROR_INTERNET_CANNOT_CONNECT.value()
            // Peers alone (a magnet link): none answered, or none had the content.
            || code == HResult.DO_E_NO_SERVICE.value())
        && t.attempts >= REFUSED_ATTEMPTS) {
      failed(t, error, "; gave up after " + t.attempts + " attempts");
    }
    return Optional.empty();
  }

  /** 1st, 2nd, 3rd, 4th… 11th, 12th, 13th… 21st. */
  static String ordinal(int n) {
    int tens = n % 100;
    String suffix =
        tens >= 11 && tens <= 13
            ? "th"
            : switch (n % 10) {
              case 1 -> "st";
              case 2 -> "nd";
              case 3 -> "rd";
              default -> "th";
            };
    return n + suffix;
  }

  private String retrying(Tracked t) {
    return "retrying ("
        + ordinal(Math.max(1, t.attempts))
        + " error): "
        + t.job.error().map(Follow::describe).orElse("a transient error");
  }

  private void summary(long bytes, long nanos) {
    if (!command.quiet()) {
      double seconds = Math.max(nanos, 1) / 1e9;
      String rate =
          String.format(
              Locale.ROOT,
              "%s in %.1f s, %s",
              Progress.mib(bytes),
              seconds,
              Progress.rate(bytes / seconds));
      StringBuilder line = new StringBuilder("ferry: ");
      if (filesWanted == 1 && failures.isEmpty()) {
        line.append("done (").append(rate).append(")");
      } else {
        line.append(filesDone)
            .append(" of ")
            .append(filesWanted + skipped)
            .append(" file(s) downloaded (")
            .append(rate)
            .append(")");
        if (skipped > 0) {
          line.append(", ").append(skipped).append(" skipped");
        }
        if (!failures.isEmpty()) {
          line.append(", ").append(failures.size()).append(" failed:");
        }
      }
      if (peerBytes > 0) {
        line.append(", ").append(Progress.mib(peerBytes)).append(" from peers");
      }
      if (cacheBytes > 0) {
        line.append(", ").append(Progress.mib(cacheBytes)).append(" from cache servers");
      }
      err.println(line);
    }
    for (String failure : failures) {
      err.println((filesWanted == 1 || command.quiet() ? "ferry: " : "ferry:   ") + failure);
    }
    err.flush();
  }

  /**
   * Lets the jobs' own notifications end each wait early, so a finished transfer is completed at
   * once rather than at the next poll. A job that has a callback already keeps it, and is polled.
   */
  private void wakeOnEvents(BackgroundCopyJob job) {
    try {
      if (job.notifyInterface().isPresent()) {
        return;
      }
      job.setNotifyInterface(
          new BackgroundCopyCallback() {
            @Override
            public void jobTransferred(BackgroundCopyJob j) {
              foreground.wake();
            }

            @Override
            public void jobError(BackgroundCopyJob j, BackgroundCopyError error) {
              foreground.wake();
            }
          });
    } catch (FerryException finalAlready) {
      // Nothing to wake for.
    }
  }
}
