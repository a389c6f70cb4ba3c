package dev.ferry.api;

/**
 * A job's proxy settings. The lists are space-separated; they must be null unless the usage is
 * {@link ProxyUsage#OVERRIDE}, which requires a proxy list. Entries are {@code
 * [protocol=][protocol://]server[:port]}; bypass entries may start with {@code *}, and {@code
 * <local>} matches host names without a dot.
 */
public record ProxySettings(ProxyUsage usage, String proxyList, String bypassList) {
  public static final ProxySettings PRECONFIG = new ProxySettings(ProxyUsage.PRECONFIG, null, null);

  public ProxySettings {
    if (usage == null) {
      throw new FerryException(HResult.E_INVALIDARG, "proxy usage is required");
    }
  }
}
