package dev.ferry.api;

/** BITS_JOB_PROPERTY_ID: the properties of IBackgroundCopyJob5. */
public enum JobPropertyId {
  /** Dword: the transfer-policy cost mask. Default {@link CostFlags#TRANSFER_ALWAYS}. */
  COST_FLAGS(1),
  /** ClsId: persisted, for a callback object created on demand. */
  NOTIFICATION_CLSID(2),
  /** Enable: for servers without Content-Length; interruptions restart the file. */
  DYNAMIC_CONTENT(3),
  /** Enable: no progress checkpoints and no temporary file. */
  HIGH_PERFORMANCE(4),
  /** Uint64: caps the bytes the job may download. 0 means no cap. */
  MAX_DOWNLOAD_SIZE(5),
  /** Target: allows default credentials to be sent to the proxy. */
  USE_STORED_CREDENTIALS(7),
  /** Dword: throttles modification callbacks. Default 500 ms. */
  MINIMUM_NOTIFICATION_INTERVAL_MS(9),
  /** Enable: the application asks for ranges on demand. */
  ON_DEMAND_MODE(10),
  /**
   * Uint64, a Ferry extension: the most bytes per second the job may transfer, on top of the
   * engine's bandwidth policy; 0 (the default) means no cap of its own. It may be changed at any
   * time, and a running transfer follows at once. Its id lies far from BITS's own.
   */
  MAX_TRANSFER_RATE(1001),
  /**
   * Text, a Ferry extension: the cache hosts (DO's DOCacheHost form: host names or addresses with
   * an optional port, separated by commas, tried in order) the job's files are asked from before
   * their origin, in place of the engine's; "" (the default) means the engine's.
   */
  CACHE_HOSTS(1002),
  /**
   * Dword, a Ferry extension: the job's cache fallback delay in seconds (DO's
   * DODelayCacheServerFallbackForeground / ...Background): how long after its cache hosts first
   * failed the origin may be asked instead; 0 at once, -1 (0xFFFFFFFF) never. Until set, the
   * engine's delay for the job's priority applies.
   */
  CACHE_FALLBACK_DELAY(1003),
  /**
   * Text, a Ferry extension: the content description peers share the job's file by, a single-file
   * BitTorrent v2 torrent (its bencoded bytes in base64, at most {@link
   * ArgumentRules#MAX_CONTENT_DESCRIPTION} characters); "" (the default) means none, and then no
   * peers are asked. Every piece of the file, from any source, is checked against it.
   */
  CONTENT_DESCRIPTION(1004),
  /**
   * Text, a Ferry extension: peers known to hold the file's content (HOST:PORT, separated by
   * commas), asked besides those found otherwise, as libtorrent's connect_peer; "" for none.
   */
  PEERS(1005),
  /**
   * Dword, a Ferry extension: DO's DownloadMode for the job's files (0 HTTP only, 1 LAN, 2 group, 3
   * Internet, 99 simple, 100 bypass); with 0, 99 and 100 no peers are asked. Until set, peers are
   * asked where the job has a {@link #CONTENT_DESCRIPTION}.
   */
  DOWNLOAD_MODE(1006),
  /**
   * Dword, a Ferry extension: the job's HTTP delay in seconds, unsigned (DO's
   * DODelayBackgroundDownloadFromHttp / DODelayForegroundDownloadFromHttp, unset by default, at
   * most 4,294,967,295 s): while a file has sources besides its origin, the origin is not asked
   * until this long after the file's transfer started, unless none of them can serve (or, in the
   * background, they give less than {@link #MIN_BACKGROUND_QOS}); 0 no delay. Until set, the
   * engine's delay for the job's priority applies.
   */
  HTTP_DELAY(1007),
  /**
   * Uint64, a Ferry extension: the job's minimum background rate in bytes per second (DO's
   * DOMinBackgroundQos, 2,500 KB/s by default): while a background job's file gets less than this
   * from sources besides its origin, the origin tops them up, even within the {@link #HTTP_DELAY};
   * 0 never. Until set, the engine's minimum applies. Foreground jobs do not use it.
   */
  MIN_BACKGROUND_QOS(1008),
  /**
   * Text, a Ferry extension: the Group ID of the job's files in group mode (DO's DOGroupID, set per
   * download): a GUID ({@link ArgumentRules#groupId}, with or without braces, read back as
   * 8-4-4-4-12 lowercase hex digits). Peers are found under a key only the group's members derive;
   * a scope, not a credential. Until set (or set to ""), the machine's Group ID applies.
   */
  GROUP_ID(1009),
  /**
   * Text, a Ferry extension: the trackers the job's files are announced to and their peers found at
   * (BitTorrent's stand-in for DO's cloud service), http, https or udp announce URLs separated by
   * commas ({@link ArgumentRules#trackers}); in place of the machine's trackers. "" (the default)
   * means the machine's.
   */
  TRACKERS(1010);

  private final int value;

  JobPropertyId(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** The id with this value; BG_E_UNKNOWN_PROPERTY_ID otherwise. */
  public static JobPropertyId of(int value) {
    for (JobPropertyId id : values()) {
      if (id.value == value) {
        return id;
      }
    }
    throw new FerryException(
        HResult.BG_E_UNKNOWN_PROPERTY_ID, "no job property has the id " + value);
  }
}
