package dev.ferry.api;

/** BG_JOB_TYPE. Ferry transfers downloads; upload jobs are rejected with E_NOTIMPL for now. */
public enum JobType {
  DOWNLOAD(0),
  UPLOAD(1),
  UPLOAD_REPLY(2);

  private final int value;

  JobType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static JobType of(int value) {
    for (JobType type : values()) {
      if (type.value == value) {
        return type;
      }
    }
    throw new FerryException(HResult.E_INVALIDARG, "no job type has the value " + value);
  }
}
