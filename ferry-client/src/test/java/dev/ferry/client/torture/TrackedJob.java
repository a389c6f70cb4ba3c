package dev.ferry.client.torture;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client's ledger entry for one job: what was asked of the daemon and which answers arrived. A
 * request whose answer never came (ferryd was killed first) is SENT: it may or may not have taken
 * effect, and the next check after the restart decides which, from what the daemon and the disk
 * show.
 */
final class TrackedJob {
  enum Stage {
    NONE,
    SENT,
    ACKED
  }

  enum Outcome {
    /** Planned; no create answered yet. */
    PLANNED,
    ACTIVE,
    COMPLETED,
    CANCELLED,
    /** Its create went unanswered and no such job exists after the restart. */
    NEVER_CREATED
  }

  final JobSpec spec;
  final int round;

  /** One thread at a time issues requests for a job; the ledger is its model of the job. */
  final AtomicBoolean busy = new AtomicBoolean();

  volatile UUID id;
  volatile Outcome outcome = Outcome.PLANNED;
  volatile Stage create = Stage.NONE;
  volatile Stage configure = Stage.NONE;
  volatile Stage resume = Stage.NONE;
  volatile Stage complete = Stage.NONE;
  volatile Stage cancel = Stage.NONE;

  /** Files whose AddFile was answered. */
  volatile int filesAdded;

  /** An AddFile of file {@link #filesAdded} is unanswered. */
  volatile boolean addSent;

  /**
   * A Complete was sent at some point. One cut off half way may leave some files renamed into place
   * (and recorded as completed) in a job that is still TRANSFERRED until Complete is sent again.
   */
  volatile boolean completeTried;

  /** Chosen for cancellation: a cancel that went unanswered is sent again after the restart. */
  volatile boolean wantCancel;

  /** The final files were hashed once already; later checks only look at names and sizes. */
  volatile boolean finalsHashed;

  TrackedJob(JobSpec spec, int round) {
    this.spec = spec;
    this.round = round;
  }

  String name() {
    return spec.name();
  }

  boolean setUp() {
    return outcome == Outcome.ACTIVE
        && configure == Stage.ACKED
        && filesAdded == spec.files().size()
        && resume == Stage.ACKED;
  }

  boolean live() {
    return outcome == Outcome.PLANNED || outcome == Outcome.ACTIVE;
  }

  boolean claim() {
    return busy.compareAndSet(false, true);
  }

  void release() {
    busy.set(false);
  }

  @Override
  public String toString() {
    return spec.name()
        + "{id="
        + id
        + ", "
        + outcome
        + ", create="
        + create
        + ", files="
        + filesAdded
        + "/"
        + spec.files().size()
        + (addSent ? "+sent" : "")
        + ", configure="
        + configure
        + ", resume="
        + resume
        + ", complete="
        + complete
        + ", cancel="
        + cancel
        + "}";
  }
}
