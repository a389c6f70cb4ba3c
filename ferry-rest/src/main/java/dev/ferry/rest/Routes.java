package dev.ferry.rest;

/**
 * The paths of ferryd's local API (version 1). Path parameters: {@code {id}} a job's UUID, {@code
 * {index}} a file's position in its job, {@code {property}} a property's documented number. Every
 * body is JSON; every failure is a {@link Problem} with the HTTP status of {@link
 * HttpStatusMapping}.
 */
public final class Routes {
  private Routes() {}

  public static final String PREFIX = "/v1";

  /**
   * GET: the daemon's metrics in Prometheus's text exposition format; outside {@link #PREFIX},
   * where scrapers look for them.
   */
  public static final String METRICS = "/metrics";

  /** GET: the caller's identity ({@link Caller}). */
  public static final String WHOAMI = PREFIX + "/whoami";

  /**
   * GET: the caller's jobs ({@code ?allUsers=true}: everybody's, administrators only; {@code
   * ?files=false}: without their files); POST: create.
   */
  public static final String JOBS = PREFIX + "/jobs";

  /**
   * GET: one job ({@link JobView}; {@code ?files=false}: without its files, as {@link
   * JobView#summaryOf}); PATCH: change properties ({@link JobPatch}).
   */
  public static final String JOB = JOBS + "/{id}";

  /** The query that leaves the files out of a job or a list of jobs. */
  public static final String WITHOUT_FILES = "files=false";

  /** GET: the job's files; POST: add files ({@link AddFilesRequest}), atomically. */
  public static final String FILES = JOB + "/files";

  /** PUT: {@link RemoteNameRequest}. */
  public static final String FILE_REMOTE_NAME = FILES + "/{index}/remote-name";

  /** GET: a file property ({@link PropertyValue}, BITS_FILE_PROPERTY_ID). */
  public static final String FILE_PROPERTY = FILES + "/{index}/properties/{property}";

  /** POST, no body: resume, suspend, cancel, complete, take-ownership. Answer: {@link Result}. */
  public static final String ACTION = JOB + "/{action}";

  /** GET / PUT: a Job5 property ({@link PropertyValue}, BITS_JOB_PROPERTY_ID). */
  public static final String JOB_PROPERTY = JOB + "/properties/{property}";

  /** GET: {@code ?hresult=0x80200001&lang=en}: a readable description ({@link Description}). */
  public static final String ERROR_DESCRIPTION = PREFIX + "/errors/description";

  /**
   * GET with {@code Accept: text/event-stream}: server-sent events ({@link EventView}) for every
   * job the caller may see, or one job with {@code ?job=UUID}.
   */
  public static final String EVENTS = PREFIX + "/events";

  /**
   * GET: the bandwidth policy ({@link PolicyView}); PUT: replace it (the administrator or the
   * daemon's own user only), effective at once for running transfers too.
   */
  public static final String POLICY = PREFIX + "/policy";

  /**
   * GET: ferryd's loggers that have a level of their own ({@link LogLevelView}), the root logger
   * first.
   */
  public static final String LOG_LEVELS = PREFIX + "/log-levels";

  /**
   * GET: one logger's level ({@link LogLevelView}; {@code ROOT} is the root logger); PUT: change it
   * at once, until ferryd stops (the administrator or the daemon's own user only).
   */
  public static final String LOG_LEVEL = LOG_LEVELS + "/{logger}";

  /**
   * GET: the local files the caller offers to peers ({@link SeedView}); POST: offer one ({@link
   * SeedRequest}), hashed first unless a torrent is given. Needs ferryd to take part in swarms.
   */
  public static final String SEEDS = PREFIX + "/seeds";

  /** DELETE: stop offering the content of this info-hash (64 hex digits). */
  public static final String SEED = SEEDS + "/{infoHash}";

  /**
   * GET: the entries of the content ferryd keeps for peers once downloads complete ({@link
   * CacheView}): the caller's, or all for the administrator.
   */
  public static final String CACHE = PREFIX + "/cache";

  /**
   * PUT: pins or unpins the entry of this info-hash ({@link CachePinRequest}); DELETE: drops it. A
   * user changes only their own entries, the administrator any.
   */
  public static final String CACHE_ENTRY = CACHE + "/{infoHash}";

  /** {@link #CACHE_ENTRY} with the info-hash filled in. */
  public static String cacheEntry(String infoHash) {
    return CACHE + "/" + infoHash;
  }

  /** {@link #SEED} with the info-hash filled in. */
  public static String seed(String infoHash) {
    return SEEDS + "/" + infoHash;
  }

  /** {@link #LOG_LEVEL} with the logger's name filled in. */
  public static String logLevel(String logger) {
    return LOG_LEVELS
        + "/"
        + java.net.URLEncoder.encode(logger, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * GET: the caller's DO downloads that are not final ({@link DownloadView}), optionally only those
   * whose {@code ?property=} (Id, Uri, ContentId, DisplayName, LocalPath) equals {@code &value=};
   * POST: create one ({@link CreateDownloadRequest}, body optional).
   */
  public static final String DOWNLOADS = PREFIX + "/downloads";

  /** GET: one download ({@link DownloadView}). */
  public static final String DOWNLOAD = DOWNLOADS + "/{id}";

  /**
   * POST: start (optional {@link StartDownloadRequest}), pause, abort, finalize. Answer: {@link
   * DownloadView}.
   */
  public static final String DOWNLOAD_ACTION = DOWNLOAD + "/{action}";

  /**
   * GET / PUT: a download property by DO name or number ({@link DownloadPropertyValue}; PUT takes
   * only its {@code value}).
   */
  public static final String DOWNLOAD_PROPERTY = DOWNLOAD + "/properties/{name}";

  /** GET: Get-DeliveryOptimizationStatus, the caller's files (FileDeliveryStatus of ferry-api). */
  public static final String DELIVERY_STATUS = PREFIX + "/delivery/status";

  /** GET: Get-DeliveryOptimizationPerfSnap, the caller's totals (PerfSnapshot of ferry-api). */
  public static final String DELIVERY_PERF = PREFIX + "/delivery/perf";

  /**
   * GET: the bytes received by source kind and uploaded to peers ({@link UsageView}): samples since
   * the daemon started and totals by day for the last month.
   */
  public static final String USAGE = PREFIX + "/usage";

  /**
   * GET, on the Unix socket only, for the daemon's own user or the administrator: where the
   * dashboard is and the token to open it with ({@link DashboardView}).
   */
  public static final String DASHBOARD = PREFIX + "/dashboard";

  /**
   * The dashboard: a web page on the TCP listener, opened as {@code PAGE#token=TOKEN}; its files
   * hold no data and need no token, everything it shows comes from the API.
   */
  public static final String PAGE = "/ui/";

  /**
   * POST with the bearer token: opens a browser session, whose cookie then authenticates the page's
   * requests (204).
   */
  public static final String PAGE_SESSION = "/ui/session";

  /** The actions of {@link #DOWNLOAD_ACTION}. */
  public static final String START = "start";

  public static final String PAUSE = "pause";
  public static final String ABORT = "abort";
  public static final String FINALIZE = "finalize";

  /** {@link #DOWNLOAD} with its id filled in. */
  public static String download(String id) {
    return DOWNLOADS
        + "/"
        + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The actions of {@link #ACTION}. */
  public static final String RESUME = "resume";

  public static final String SUSPEND = "suspend";
  public static final String CANCEL = "cancel";
  public static final String COMPLETE = "complete";
  public static final String TAKE_OWNERSHIP = "take-ownership";

  /** {@link #JOB} with its id filled in. */
  public static String job(java.util.UUID id) {
    return JOBS + "/" + id;
  }
}
