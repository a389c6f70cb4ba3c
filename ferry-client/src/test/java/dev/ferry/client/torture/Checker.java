package dev.ferry.client.torture;

import dev.ferry.api.FileRange;
import dev.ferry.api.JobState;
import dev.ferry.client.torture.Ledger.Violation;
import dev.ferry.client.torture.TrackedJob.Outcome;
import dev.ferry.client.torture.TrackedJob.Stage;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobView;
import dev.ferry.testkit.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Compares the ledger with what ferryd and the disk show, and settles every unanswered request from
 * that evidence: a job created or cancelled without an answer either exists or does not, and either
 * is fine; a job whose create was answered must exist until a Complete or Cancel was at least sent.
 */
final class Checker {
  private static final Set<JobState> RUNNING =
      Set.of(
          JobState.QUEUED,
          JobState.CONNECTING,
          JobState.TRANSFERRING,
          JobState.TRANSIENT_ERROR,
          JobState.TRANSFERRED);

  private final Ledger ledger;

  Checker(Ledger ledger) {
    this.ledger = ledger;
  }

  /**
   * Right after the SIGKILL, before anything restarts: an answered Complete or Cancel promised its
   * files were in place or gone, and no recovery may be needed to keep that promise.
   */
  void afterKill() {
    for (TrackedJob job : ledger.jobs) {
      if (job.complete == Stage.ACKED) {
        checkCompleted(job, "after the kill");
      } else if (job.cancel == Stage.ACKED) {
        checkEmpty(job, "cancelled (answered), after the kill");
      }
    }
  }

  /** After a restart: the listing against the ledger, job by job and file by file. */
  void reconcile(List<JobView> views) {
    Map<String, JobView> byId = new HashMap<>();
    Map<String, JobView> byName = new HashMap<>();
    for (JobView view : views) {
      if (byId.put(view.id(), view) != null) {
        ledger.violation(Violation.DUPLICATED, "job " + view.id() + " is listed twice");
      }
      JobView other = byName.put(view.displayName(), view);
      if (other != null) {
        ledger.violation(
            Violation.DUPLICATED,
            "jobs " + other.id() + " and " + view.id() + " are both " + view.displayName());
      }
    }
    Set<String> accounted = new HashSet<>();
    for (TrackedJob job : ledger.jobs) {
      switch (job.outcome) {
        case PLANNED -> {
          JobView view = byName.get(job.name());
          if (job.create == Stage.NONE) {
            continue;
          }
          if (view == null) {
            job.outcome = Outcome.NEVER_CREATED;
            ledger.count("createUnanswered.absent");
            checkEmpty(job, "never created");
          } else {
            job.id = java.util.UUID.fromString(view.id());
            job.create = Stage.ACKED;
            job.outcome = Outcome.ACTIVE;
            ledger.count("createUnanswered.present");
            accounted.add(view.id());
            reconcileActive(job, view);
          }
        }
        case ACTIVE -> {
          JobView view = byId.get(job.id.toString());
          if (view != null) {
            accounted.add(view.id());
            reconcileActive(job, view);
          } else if (job.cancel == Stage.SENT) {
            job.outcome = Outcome.CANCELLED;
            job.cancel = Stage.ACKED;
            ledger.count("cancelUnanswered.done");
            checkEmpty(job, "cancelled (unanswered), after the restart");
          } else if (job.complete == Stage.SENT) {
            job.outcome = Outcome.COMPLETED;
            job.complete = Stage.ACKED;
            ledger.count("completeUnanswered.done");
            checkCompleted(job, "completed (unanswered), after the restart");
          } else {
            ledger.violation(
                Violation.LOST, job + " is gone though neither Complete nor Cancel was sent");
          }
        }
        case COMPLETED -> {
          present(job, byId, accounted);
          checkCompleted(job, "completed, after the restart");
        }
        case CANCELLED -> {
          present(job, byId, accounted);
          checkEmpty(job, "cancelled, after the restart");
        }
        case NEVER_CREATED -> checkEmpty(job, "never created");
      }
    }
    for (JobView view : views) {
      if (!accounted.contains(view.id())) {
        ledger.violation(
            Violation.PHANTOM,
            "ferryd lists " + view.displayName() + " (" + view.id() + ", " + view.state() + ")");
      }
    }
  }

  private void present(TrackedJob job, Map<String, JobView> byId, Set<String> accounted) {
    JobView view = byId.get(job.id.toString());
    if (view != null) {
      accounted.add(view.id());
      ledger.violation(
          Violation.ILLEGAL,
          job + " is listed as " + view.state() + " after its " + job.outcome + " was answered");
    }
  }

  private void reconcileActive(TrackedJob job, JobView view) {
    JobState state = JobState.valueOf(view.state());
    boolean completeWasSent = job.complete == Stage.SENT;
    if (job.cancel == Stage.SENT) {
      job.cancel = Stage.NONE;
      ledger.count("cancelUnanswered.survived");
    }
    if (completeWasSent) {
      job.complete = Stage.NONE;
      ledger.count("completeUnanswered.survived");
      if (view.files().stream().anyMatch(FileView::completed)) {
        ledger.count("completeUnanswered.midRename");
      }
    }
    String where = job.name() + " (" + job.id + ", " + state + ")";
    if (state.isFinal() || state == JobState.ERROR) {
      ledger.violation(
          Violation.ILLEGAL, where + " is listed in state " + state + ", error " + view.error());
    }

    List<FileView> files = view.files();
    if (files.size() == job.filesAdded + 1 && job.addSent) {
      job.filesAdded++;
      ledger.count("addUnanswered.present");
    } else if (files.size() == job.filesAdded && job.addSent) {
      ledger.count("addUnanswered.absent");
    } else if (files.size() != job.filesAdded) {
      ledger.violation(
          Violation.ILLEGAL,
          where + " has " + files.size() + " files; the ledger says " + job.filesAdded);
    }
    job.addSent = false;

    boolean configured =
        job.spec.priority().name().equals(view.priority())
            && view.minimumRetryDelaySeconds() == Session.RETRY_DELAY.toSeconds();
    if (!configured && job.configure == Stage.ACKED) {
      ledger.violation(
          Violation.ILLEGAL,
          where
              + " has priority "
              + view.priority()
              + " and retry delay "
              + view.minimumRetryDelaySeconds()
              + " s after both were set");
    }
    job.configure = configured ? Stage.ACKED : Stage.NONE;

    if (state == JobState.SUSPENDED) {
      if (job.resume == Stage.ACKED) {
        ledger.violation(Violation.ILLEGAL, where + " is SUSPENDED though its Resume was answered");
      } else if (job.resume == Stage.SENT) {
        ledger.count("resumeUnanswered.absent");
      }
      job.resume = Stage.NONE;
    } else if (RUNNING.contains(state)) {
      if (job.resume == Stage.NONE) {
        ledger.violation(Violation.ILLEGAL, where + " runs though Resume was never sent");
      } else if (job.resume == Stage.SENT) {
        ledger.count("resumeUnanswered.present");
      }
      job.resume = Stage.ACKED;
    }

    Set<String> allowed = new HashSet<>();
    for (int i = 0; i < files.size() && i < job.spec.files().size(); i++) {
      FileView file = files.get(i);
      FileSpec spec = job.spec.files().get(i);
      String at = where + " file " + i + " " + spec;
      if (!Path.of(file.localName()).equals(spec.local())
          || !file.remoteName().endsWith(spec.originPath())
          || !sameRanges(file.ranges(), spec.ranges())) {
        ledger.violation(
            Violation.ILLEGAL,
            at + " is " + file.remoteName() + " -> " + file.localName() + " " + file.ranges());
        continue;
      }
      if ((file.bytesTotal() >= 0 && file.bytesTotal() != spec.expectedSize())
          || file.bytesTransferred() < 0
          || file.bytesTransferred() > spec.expectedSize()) {
        ledger.violation(
            Violation.ILLEGAL,
            at + " reports " + file.bytesTransferred() + " of " + file.bytesTotal() + " bytes");
      }
      if (state == JobState.TRANSFERRED
          && !(file.bytesTotal() == spec.expectedSize()
              && file.bytesTransferred() == spec.expectedSize())) {
        ledger.violation(
            Violation.ILLEGAL,
            at
                + " has "
                + file.bytesTransferred()
                + " of "
                + file.bytesTotal()
                + " bytes in a TRANSFERRED job");
      }
      Path temp = Path.of(file.temporaryName());
      String expectedTemp = ".ferry-" + job.id + "-" + i + ".part";
      if (!temp.equals(spec.local().resolveSibling(expectedTemp))) {
        ledger.violation(Violation.ILLEGAL, at + " has the temporary name " + temp);
      }
      allowed.add(temp.getFileName().toString());
      allowed.add(spec.local().getFileName().toString());
      if (file.completed()) {
        if (!job.completeTried) {
          ledger.violation(Violation.ILLEGAL, at + " is completed though Complete was never sent");
        }
        checkFinal(at, spec);
        if (Files.exists(temp)) {
          ledger.violation(Violation.STRAY, at + " is completed but " + temp + " is still there");
        }
        continue;
      }
      if (Files.exists(spec.local())) {
        if (job.completeTried) {
          // Renamed, but the kill came before the rename was recorded.
          ledger.count("completeUnanswered.renamedUnrecorded");
          checkFinal(at, spec);
        } else {
          ledger.violation(
              Violation.STRAY, at + " is not completed but " + spec.local() + " exists");
        }
      }
      if (state == JobState.TRANSFERRED && file.bytesTransferred() == spec.expectedSize()) {
        if (!Files.exists(temp)) {
          ledger.violation(Violation.ILLEGAL, at + " is transferred but " + temp + " is missing");
        } else {
          checkBytes(at + " (temporary file of a transferred file)", temp, spec);
        }
      }
    }
    for (String name : list(job.spec.dir())) {
      if (!allowed.contains(name)) {
        ledger.violation(Violation.STRAY, where + " directory holds " + name);
      }
    }
  }

  private static boolean sameRanges(List<FileView.Range> actual, List<FileRange> expected) {
    List<FileView.Range> wanted =
        expected == null ? List.of() : expected.stream().map(FileView.Range::of).toList();
    return (actual == null ? List.of() : actual).equals(wanted);
  }

  /** A completed job's directory holds exactly its final files, byte-exact. */
  void checkCompleted(TrackedJob job, String when) {
    Set<String> expected = new TreeSet<>();
    for (FileSpec file : job.spec.files()) {
      expected.add(file.local().getFileName().toString());
      if (job.finalsHashed) {
        sized(job.name() + " " + when + ": " + file, file);
      } else {
        checkFinal(job.name() + " " + when + ": " + file, file);
      }
    }
    job.finalsHashed = true;
    for (String name : list(job.spec.dir())) {
      if (!expected.contains(name)) {
        ledger.violation(Violation.STRAY, job + " " + when + ": its directory still holds " + name);
      }
    }
  }

  /** Nothing of the job may remain: no temporary file, no final file. */
  void checkEmpty(TrackedJob job, String when) {
    for (String name : list(job.spec.dir())) {
      ledger.violation(Violation.STRAY, job + " " + when + ": its directory holds " + name);
    }
  }

  private void checkFinal(String what, FileSpec spec) {
    if (!Files.exists(spec.local())) {
      ledger.violation(Violation.CORRUPT, what + ": " + spec.local() + " is missing");
      return;
    }
    checkBytes(what, spec.local(), spec);
  }

  private void sized(String what, FileSpec spec) {
    try {
      long size = Files.size(spec.local());
      if (size != spec.expectedSize()) {
        ledger.violation(
            Violation.CORRUPT, what + ": " + size + " bytes, expected " + spec.expectedSize());
      }
    } catch (IOException e) {
      ledger.violation(Violation.CORRUPT, what + ": " + e);
    }
  }

  private void checkBytes(String what, Path file, FileSpec spec) {
    String actual = sha256(file);
    if (!actual.equals(spec.expectedSha256())) {
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        size = -1;
      }
      ledger.violation(
          Violation.CORRUPT,
          what
              + ": "
              + file
              + " has SHA-256 "
              + actual
              + " ("
              + size
              + " bytes), expected "
              + spec.expectedSha256()
              + " ("
              + spec.expectedSize()
              + " bytes)");
    }
  }

  /** The file's SHA-256, or why it could not be read: a violation to report, not to throw. */
  static String sha256(Path file) {
    try {
      return TestFiles.sha256(file);
    } catch (UncheckedIOException e) {
      return "unreadable (" + e.getCause() + ")";
    }
  }

  static List<String> list(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
