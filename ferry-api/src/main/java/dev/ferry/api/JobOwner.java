package dev.ferry.api;

/**
 * The identity that owns a job: a Unix user. The superuser (uid 0) is the administrator of BITS: it
 * may list, change and take over every user's jobs.
 */
public record JobOwner(long uid, String name) {
  public JobOwner {
    if (uid < 0) {
      throw new IllegalArgumentException("uid " + uid);
    }
    if (name == null || name.isEmpty()) {
      name = Long.toString(uid);
    }
  }

  public boolean isAdministrator() {
    return uid == 0;
  }

  @Override
  public String toString() {
    return name + " (uid " + uid + ")";
  }
}
