package dev.ferry.client.torture;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.HResult;
import dev.ferry.client.FerryClient;
import dev.ferry.client.torture.Ledger.Violation;
import dev.ferry.client.torture.TrackedJob.Outcome;
import dev.ferry.client.torture.TrackedJob.Stage;
import dev.ferry.client.transport.Transport;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Routes;
import dev.ferry.testkit.TestOrigin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The harness's connection to one ferryd incarnation. Every request goes through {@link #call}: the
 * ledger marks it SENT before and ACKED only once the answer arrived, so a request cut off by the
 * kill stays ambiguous instead of being guessed either way.
 */
final class Session implements AutoCloseable {
  static final Duration RETRY_DELAY = Duration.ofSeconds(5);

  private final Ledger ledger;
  private final BackgroundCopyManager manager;
  private final Transport transport;
  private final TestOrigin origin;

  /** Set just before the SIGKILL: from then on failures are the kill's, and nothing new is sent. */
  final AtomicBoolean killed = new AtomicBoolean();

  Session(Path socket, Ledger ledger, TestOrigin origin) {
    this.ledger = ledger;
    this.origin = origin;
    this.manager = FerryClient.connect(socket);
    this.transport = new Transport(socket);
  }

  /** Thrown when a request is not sent or not answered because ferryd is (being) killed. */
  static final class Killed extends RuntimeException {
    Killed() {
      super(null, null, false, false);
    }
  }

  /** A request failed while ferryd was alive; the ledger has it as a violation already. */
  static final class Failed extends RuntimeException {
    Failed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Runs one request; a failure while ferryd is alive is a violation (and also ends the step). */
  <T> T call(String what, Supplier<T> request) {
    if (killed.get()) {
      throw new Killed();
    }
    try {
      return request.get();
    } catch (RuntimeException e) {
      if (killed.get()) {
        throw new Killed();
      }
      String message = what + " failed while ferryd was running: " + e;
      ledger.violation(Violation.ERROR, message);
      throw new Failed(message, e);
    }
  }

  void run(String what, Runnable request) {
    call(
        what,
        () -> {
          request.run();
          return null;
        });
  }

  /** Every job ferryd lists, read in one request so states and progress are one moment's. */
  List<JobView> snapshot() {
    return call(
        "list jobs",
        () ->
            transport.get(
                Routes.JOBS,
                transport
                    .json()
                    .getTypeFactory()
                    .constructCollectionType(List.class, JobView.class)));
  }

  BackgroundCopyJob job(TrackedJob job) {
    return call("get " + job.name(), () -> manager.getJob(job.id));
  }

  BackgroundCopyManager manager() {
    return manager;
  }

  /**
   * Brings the job as far as creation, configuration, every file and Resume, from wherever the
   * ledger says it stands. Stops at the first request that goes unanswered.
   */
  void setUp(TrackedJob job) {
    BackgroundCopyJob remote;
    if (job.create == Stage.NONE) {
      job.create = Stage.SENT;
      remote = call("create " + job.name(), () -> manager.createJob(job.name()));
      job.id = remote.id();
      job.outcome = Outcome.ACTIVE;
      job.create = Stage.ACKED;
    } else {
      remote = job(job);
    }
    if (job.configure != Stage.ACKED) {
      job.configure = Stage.SENT;
      run("set priority of " + job.name(), () -> remote.setPriority(job.spec.priority()));
      // The default 600 s would leave a job that hit a transient error idle for the whole run.
      run("set retry delay of " + job.name(), () -> remote.setMinimumRetryDelay(RETRY_DELAY));
      job.configure = Stage.ACKED;
    }
    while (job.filesAdded < job.spec.files().size()) {
      FileSpec file = job.spec.files().get(job.filesAdded);
      String url = origin.url(file.originPath());
      job.addSent = true;
      run(
          "add " + file + " to " + job.name(),
          () -> {
            if (file.ranges() == null) {
              remote.addFile(url, file.local().toString());
            } else {
              remote.addFileWithRanges(url, file.local().toString(), file.ranges());
            }
          });
      job.filesAdded++;
      job.addSent = false;
    }
    if (job.resume != Stage.ACKED) {
      job.resume = Stage.SENT;
      run("resume " + job.name(), remote::resume);
      job.resume = Stage.ACKED;
    }
  }

  /** Complete on a TRANSFERRED job: every file was transferred, so anything but S_OK is wrong. */
  void complete(TrackedJob job) {
    complete(job, () -> {});
  }

  /** {@code sending} runs just before the Complete request goes out (to time a kill after it). */
  void complete(TrackedJob job, Runnable sending) {
    BackgroundCopyJob remote = job(job);
    sending.run();
    job.complete = Stage.SENT;
    job.completeTried = true;
    HResult result = call("complete " + job.name(), remote::complete);
    job.complete = Stage.ACKED;
    job.outcome = Outcome.COMPLETED;
    ledger.count("completeAnswered");
    if (result != HResult.S_OK) {
      ledger.violation(
          Violation.ILLEGAL, "Complete of TRANSFERRED job " + job + " returned " + result);
    }
  }

  void cancel(TrackedJob job) {
    cancel(job, () -> {});
  }

  void cancel(TrackedJob job, Runnable sending) {
    job.wantCancel = true;
    BackgroundCopyJob remote = job(job);
    sending.run();
    job.cancel = Stage.SENT;
    HResult result = call("cancel " + job.name(), remote::cancel);
    job.cancel = Stage.ACKED;
    job.outcome = Outcome.CANCELLED;
    ledger.count("cancelAnswered");
    if (result != HResult.S_OK) {
      ledger.violation(Violation.ILLEGAL, "Cancel of " + job + " returned " + result);
    }
  }

  @Override
  public void close() {
    manager.close();
    transport.close();
  }
}
