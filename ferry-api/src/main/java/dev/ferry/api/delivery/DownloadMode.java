package dev.ferry.api.delivery;

/** DownloadMode: which sources a download may use besides HTTP. */
public enum DownloadMode {
  CDN_ONLY(0),
  LAN(1),
  GROUP(2),
  INTERNET(3),
  SIMPLE(99),
  BYPASS(100);

  private final int value;

  DownloadMode(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static DownloadMode of(int value) {
    for (DownloadMode mode : values()) {
      if (mode.value == value) {
        return mode;
      }
    }
    throw new IllegalArgumentException("no DownloadMode " + value);
  }
}
