package dev.ferry.api;

/** BG_JOB_STATE, with its documented values. */
public enum JobState {
  QUEUED(0),
  CONNECTING(1),
  TRANSFERRING(2),
  SUSPENDED(3),
  ERROR(4),
  TRANSIENT_ERROR(5),
  TRANSFERRED(6),
  ACKNOWLEDGED(7),
  CANCELLED(8);

  private final int value;

  JobState(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** ACKNOWLEDGED and CANCELLED: no state-changing method works any more. */
  public boolean isFinal() {
    return this == ACKNOWLEDGED || this == CANCELLED;
  }

  /** QUEUED, CONNECTING, TRANSFERRING and TRANSIENT_ERROR: the service is working on the job. */
  public boolean isAction() {
    return this == QUEUED || this == CONNECTING || this == TRANSFERRING || this == TRANSIENT_ERROR;
  }

  public static JobState of(int value) {
    for (JobState state : values()) {
      if (state.value == value) {
        return state;
      }
    }
    throw new FerryException(HResult.E_INVALIDARG, "no job state has the value " + value);
  }
}
