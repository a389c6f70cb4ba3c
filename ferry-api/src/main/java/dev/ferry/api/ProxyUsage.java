package dev.ferry.api;

/** BG_JOB_PROXY_USAGE. */
public enum ProxyUsage {
  /**
   * The machine's usual proxy configuration: on Unix the {@code http_proxy}, {@code https_proxy}
   * and {@code no_proxy} environment variables (upper- or lower-case).
   */
  PRECONFIG(0),
  /** Connect directly. */
  NO_PROXY(1),
  /** Use the job's own proxy and bypass lists. */
  OVERRIDE(2),
  /** Detect the proxy automatically; without WPAD on Unix this falls back to {@link #PRECONFIG}. */
  AUTODETECT(3);

  private final int value;

  ProxyUsage(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** The usage with this value; E_NOTIMPL for an undefined one, as SetProxySettings documents. */
  public static ProxyUsage of(int value) {
    for (ProxyUsage usage : values()) {
      if (usage.value == value) {
        return usage;
      }
    }
    throw new FerryException(HResult.E_NOTIMPL, "no proxy usage has the value " + value);
  }
}
