package dev.ferry.api;

/** BG_JOB_PRIORITY: lower value, higher priority. */
public enum JobPriority {
  /** Competes for bandwidth like an ordinary application; all foreground jobs run at once. */
  FOREGROUND(0),
  HIGH(1),
  NORMAL(2),
  LOW(3);

  private final int value;

  JobPriority(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public boolean isBackground() {
    return this != FOREGROUND;
  }

  /** The priority with this value; E_NOTIMPL for an undefined one, as SetPriority documents. */
  public static JobPriority of(int value) {
    for (JobPriority priority : values()) {
      if (priority.value == value) {
        return priority;
      }
    }
    throw new FerryException(HResult.E_NOTIMPL, "no job priority has the value " + value);
  }
}
