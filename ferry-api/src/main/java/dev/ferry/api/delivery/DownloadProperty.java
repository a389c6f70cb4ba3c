package dev.ferry.api.delivery;

import static dev.ferry.api.delivery.PropertyAccess.READ_ONLY;
import static dev.ferry.api.delivery.PropertyAccess.READ_WRITE;
import static dev.ferry.api.delivery.PropertyAccess.WRITE_ONLY;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;

/**
 * DODownloadProperty: the 30 properties of a download, with their documented numbers, types and
 * access. {@link #defaultValue()} is what a property reads before it is set; properties without one
 * fail with {@code E_NOT_SET} until set.
 */
public enum DownloadProperty {
  ID(0, PropertyType.STRING, READ_ONLY, null),
  URI(1, PropertyType.STRING, READ_WRITE, null),
  CONTENT_ID(2, PropertyType.STRING, READ_WRITE, null),
  DISPLAY_NAME(3, PropertyType.STRING, READ_WRITE, null),
  LOCAL_PATH(4, PropertyType.STRING, READ_WRITE, null),
  HTTP_CUSTOM_HEADERS(5, PropertyType.STRING, READ_WRITE, null),
  /** Defaults to ALWAYS for foreground downloads and STANDARD for background ones. */
  COST_POLICY(6, PropertyType.COST_POLICY, READ_WRITE, null),
  SECURITY_FLAGS(7, PropertyType.UINT32, WRITE_ONLY, null),
  CALLBACK_FREQ_PERCENT(8, PropertyType.UINT32, READ_WRITE, null),
  CALLBACK_FREQ_SECONDS(9, PropertyType.UINT32, READ_WRITE, 1),
  /** At least 60; defaults to a day for background downloads and an hour for foreground ones. */
  NO_PROGRESS_TIMEOUT_SECONDS(10, PropertyType.UINT32, READ_WRITE, null),
  FOREGROUND_PRIORITY(11, PropertyType.BOOLEAN, READ_WRITE, false),
  BLOCKING_MODE(12, PropertyType.BOOLEAN, READ_WRITE, false),
  CALLBACK_INTERFACE(13, PropertyType.CALLBACK, READ_WRITE, null),
  STREAM_INTERFACE(14, PropertyType.SINK, READ_WRITE, null),
  SECURITY_CONTEXT(15, PropertyType.BYTES, WRITE_ONLY, null),
  NETWORK_TOKEN(16, PropertyType.BOOLEAN, WRITE_ONLY, null),
  CORRELATION_VECTOR(17, PropertyType.STRING, READ_WRITE, null),
  DECRYPTION_INFO(18, PropertyType.STRING, WRITE_ONLY, null),
  INTEGRITY_CHECK_INFO(19, PropertyType.STRING, WRITE_ONLY, null),
  INTEGRITY_CHECK_MANDATORY(20, PropertyType.BOOLEAN, READ_WRITE, false),
  TOTAL_SIZE_BYTES(21, PropertyType.UINT64, READ_WRITE, null),
  DISALLOW_ON_CELLULAR(22, PropertyType.BOOLEAN, READ_WRITE, false),
  HTTP_CUSTOM_AUTH_HEADERS(23, PropertyType.STRING, READ_WRITE, null),
  HTTP_ALLOW_SECURE_TO_NON_SECURE_REDIRECT(24, PropertyType.BOOLEAN, READ_WRITE, false),
  NON_VOLATILE(25, PropertyType.BOOLEAN, READ_WRITE, false),
  /** The URL the last redirect led to; set once a request was redirected. */
  HTTP_REDIRECTION_TARGET(26, PropertyType.STRING, READ_ONLY, null),
  /** The header block of the last response; set once the server answered. */
  HTTP_RESPONSE_HEADERS(27, PropertyType.STRING, READ_ONLY, null),
  /** The address of the server that answered last; set once the server answered. */
  HTTP_SERVER_IP_ADDRESS(28, PropertyType.STRING, READ_ONLY, null),
  /** The status code of the last response; set once the server answered. */
  HTTP_STATUS_CODE(29, PropertyType.UINT32, READ_ONLY, null),
  /**
   * A Ferry extension, the job property's number: this download's cache hosts (DO's DOCacheHost
   * form: host names or addresses, optionally :PORT, separated by commas), in place of the
   * machine's; unset or "" for the machine's.
   */
  CACHE_HOSTS(1002, PropertyType.STRING, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: seconds failing cache hosts keep this download
   * from its origin (DO's DODelayCacheServerFallback...), -1 never, 0 at the first failure; in
   * place of the machine's delay; unset for the machine's.
   */
  CACHE_FALLBACK_DELAY(1003, PropertyType.INT32, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: the content description peers share this
   * download's file by (a single-file BitTorrent v2 torrent, base64), against which every piece is
   * checked; unset or "" for none (then no peers are asked).
   */
  CONTENT_DESCRIPTION(1004, PropertyType.STRING, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: peers known to hold the content, HOST:PORT
   * separated by commas, asked besides those found otherwise.
   */
  PEERS(1005, PropertyType.STRING, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: DO's DownloadMode for this download ({@link
   * DownloadMode}'s numbers); HTTP only (0), simple (99) and bypass (100) ask no peers. Unset:
   * peers are asked where the download has a content description.
   */
  DOWNLOAD_MODE(1006, PropertyType.UINT32, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: seconds this download's origin (HTTP) waits while
   * other sources (peers) can serve, from the start of the file's transfer (DO's
   * DODelayBackgroundDownloadFromHttp / DODelayForegroundDownloadFromHttp, unset by default); 0
   * none; in place of the machine's delay for the download's priority; unset for the machine's.
   */
  HTTP_DELAY(1007, PropertyType.UINT32, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: bytes per second below which a background
   * download's other sources are topped up from its origin, even within the HTTP delay (DO's
   * DOMinBackgroundQos, 2,500 KB/s by default); 0 never; unset for the machine's.
   */
  MIN_BACKGROUND_QOS(1008, PropertyType.UINT64, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: this download's Group ID for group mode (DO's
   * DOGroupID set per download), a GUID with or without braces; in place of the machine's; unset or
   * "" for the machine's.
   */
  GROUP_ID(1009, PropertyType.STRING, READ_WRITE, null),
  /**
   * A Ferry extension, the job property's number: the trackers this download announces to and finds
   * peers at, http, https or udp announce URLs separated by commas; in place of the machine's;
   * unset or "" for the machine's.
   */
  TRACKERS(1010, PropertyType.STRING, READ_WRITE, null);

  private final int value;
  private final PropertyType type;
  private final PropertyAccess access;
  private final Object defaultValue;

  DownloadProperty(int value, PropertyType type, PropertyAccess access, Object defaultValue) {
    this.value = value;
    this.type = type;
    this.access = access;
    this.defaultValue = defaultValue;
  }

  public int value() {
    return value;
  }

  public PropertyType type() {
    return type;
  }

  public PropertyAccess access() {
    return access;
  }

  /** The value read before any set, or null when reading it then fails with E_NOT_SET. */
  public Object defaultValue() {
    return defaultValue;
  }

  /** The property with this number; DO_E_UNKNOWN_PROPERTY_ID for any other. */
  public static DownloadProperty of(int value) {
    return PropertyNumbers.byNumber(values(), DownloadProperty::value, value, "download property");
  }

  /**
   * The property with this name, in DO's spelling ({@code NoProgressTimeoutSeconds}), the enum's
   * ({@code NO_PROGRESS_TIMEOUT_SECONDS}) or its number; DO_E_UNKNOWN_PROPERTY_ID otherwise.
   */
  public static DownloadProperty named(String name) {
    if (name != null) {
      String key = name.replace("_", "").replace("DODownloadProperty", "");
      for (DownloadProperty property : values()) {
        if (property.name().replace("_", "").equalsIgnoreCase(key)) {
          return property;
        }
      }
      try {
        return of(Integer.parseInt(name.trim()));
      } catch (NumberFormatException ignored) {
        // fall through to the error below
      }
    }
    throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, "no download property " + name);
  }

  /** DO's spelling, as in DODownloadProperty_NoProgressTimeoutSeconds without the prefix. */
  public String doName() {
    StringBuilder name = new StringBuilder();
    for (String word : name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return name.toString().replace("Ip", "IP");
  }
}
