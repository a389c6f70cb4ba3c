package dev.ferry.api;

/** BG_AUTH_TARGET. */
public enum AuthTarget {
  SERVER(1),
  PROXY(2);

  private final int value;

  AuthTarget(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static AuthTarget of(int value) {
    for (AuthTarget target : values()) {
      if (target.value == value) {
        return target;
      }
    }
    throw new FerryException(
        HResult.BG_E_INVALID_AUTH_TARGET, "no auth target has the value " + value);
  }
}
