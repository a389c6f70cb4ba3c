package dev.ferry.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The HRESULT codes Ferry reports, with their documented numeric values (bitsmsg.h, winerror.h and
 * the Delivery Optimization headers).
 *
 * <p>Codes that are computed rather than listed — {@code BG_E_HTTP_ERROR_nnn} and
 * HRESULT_FROM_WIN32 — are built by {@link #httpError(int)} and {@link #fromWin32(int)}; {@link
 * #describe(int)} gives a readable message for any code.
 */
public enum HResult {
  S_OK(0x00000000, "The operation completed successfully."),
  S_FALSE(0x00000001, "The operation completed, with nothing to return."),
  E_INVALIDARG(0x80070057, "One or more arguments are not valid."),
  E_ACCESSDENIED(0x80070005, "Access is denied."),
  E_NOTIMPL(0x80004001, "The value or operation is not supported."),
  E_NOINTERFACE(0x80004002, "The interface is not supported."),
  E_OUTOFMEMORY(0x8007000E, "There is not enough memory to complete the operation."),
  E_UNEXPECTED(0x8000FFFF, "An unexpected failure occurred."),
  E_NOT_SET(0x80070490, "The property has not been set."),
  E_FAIL(0x80004005, "Unspecified error."),
  ERROR_RESOURCE_LANG_NOT_FOUND(0x80070717, "There is no message text for the requested language."),
  ERROR_FILE_NOT_FOUND(0x80070002, "The system cannot find the file specified."),
  ERROR_PATH_NOT_FOUND(0x80070003, "The system cannot find the path specified."),
  ERROR_DISK_FULL(0x80070070, "There is not enough space on the disk."),
  ERROR_WRITE_FAULT(0x8007001D, "The system cannot write to the specified device."),
  ERROR_READ_FAULT(0x8007001E, "The system cannot read from the specified device."),
  ERROR_FILE_EXISTS(0x80070050, "The file exists."),
  ERROR_INTERNET_TIMEOUT(0x80072EE2, "The operation timed out."),
  ERROR_INTERNET_NAME_NOT_RESOLVED(0x80072EE7, "The server name or address could not be resolved."),
  ERROR_INTERNET_CANNOT_CONNECT(
      0x80072EFD, "A connection with the server could not be established."),
  ERROR_INTERNET_CONNECTION_RESET(0x80072EFF, "The connection with the server was reset."),
  ERROR_INTERNET_REDIRECT_FAILED(0x80072F7C, "The redirect failed (too many redirects or a loop)."),
  ERROR_INTERNET_SECURE_FAILURE(
      0x80072F8F, "A security error occurred: the server's certificate could not be verified."),
  ERROR_INTERNET_INVALID_URL(0x80072EE5, "The URL is invalid."),
  INET_E_INVALID_URL(0x800C0002, "The URL could not be parsed or its scheme is not supported."),

  BG_S_ERROR_CONTEXT_NONE(0x00200006, "No error."),
  BG_S_PARTIAL_COMPLETE(
      0x00200017,
      "Only some of the files were transferred; the files that were not transferred were deleted."),
  BG_S_UNABLE_TO_DELETE_FILES(0x0020001A, "Some of the temporary files could not be deleted."),
  BG_S_PROXY_CHANGED(0x0020002A, "The proxy settings changed."),
  BG_S_OVERRIDDEN_BY_POLICY(0x00200055, "The setting was saved, but a policy overrides it."),
  BG_E_NOT_FOUND(0x80200001, "The requested job was not found."),
  BG_E_INVALID_STATE(0x80200002, "The requested action is not allowed in the current job state."),
  BG_E_EMPTY(0x80200003, "There are no files attached to this job."),
  BG_E_FILE_NOT_AVAILABLE(0x80200004, "No file is available because no URL generated an error."),
  BG_E_PROTOCOL_NOT_AVAILABLE(
      0x80200005, "No protocol is available because no URL generated an error."),
  BG_E_ERROR_CONTEXT_UNKNOWN(0x80200007, "The error occurred in an unknown location."),
  BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER(
      0x80200008, "The error occurred in the transfer queue manager."),
  BG_E_ERROR_CONTEXT_LOCAL_FILE(0x80200009, "The error occurred while processing the local file."),
  BG_E_ERROR_CONTEXT_REMOTE_FILE(
      0x8020000A, "The error occurred while processing the remote file."),
  BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT(0x8020000B, "The error occurred in the transport layer."),
  BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION(
      0x8020000C, "The error occurred while notifying the client application."),
  BG_E_DESTINATION_LOCKED(0x8020000D, "The destination volume is locked."),
  BG_E_VOLUME_CHANGED(0x8020000E, "The destination volume has changed."),
  BG_E_ERROR_INFORMATION_UNAVAILABLE(0x8020000F, "No errors have occurred."),
  BG_E_NETWORK_DISCONNECTED(0x80200010, "There are currently no network connections available."),
  BG_E_MISSING_FILE_SIZE(0x80200011, "The server did not return the file size."),
  BG_E_INSUFFICIENT_HTTP_SUPPORT(0x80200012, "The server does not support HTTP 1.1."),
  BG_E_INSUFFICIENT_RANGE_SUPPORT(0x80200013, "The server does not support the Range header."),
  BG_E_REMOTE_NOT_SUPPORTED(0x80200014, "Remote use of the transfer service is not supported."),
  BG_E_NEW_OWNER_DIFF_MAPPING(0x80200015, "The new owner has a different drive mapping."),
  BG_E_NEW_OWNER_NO_FILE_ACCESS(0x80200016, "The new owner cannot access the job's files."),
  BG_E_PROXY_LIST_TOO_LARGE(0x80200018, "The proxy list is too long."),
  BG_E_PROXY_BYPASS_LIST_TOO_LARGE(0x80200019, "The proxy bypass list is too long."),
  BG_E_INVALID_SERVER_RESPONSE(0x8020001B, "The server returned an invalid response."),
  BG_E_TOO_MANY_FILES(0x8020001C, "Upload jobs may contain only one file."),
  BG_E_LOCAL_FILE_CHANGED(0x8020001D, "The local file changed during the transfer."),
  BG_E_ERROR_CONTEXT_REMOTE_APPLICATION(
      0x8020001E, "The error occurred in the remote server application."),
  BG_E_SESSION_NOT_FOUND(0x8020001F, "The upload session was not found on the server."),
  BG_E_TOO_LARGE(0x80200020, "The upload exceeds the server's maximum size."),
  BG_E_STRING_TOO_LONG(0x80200021, "The string is too long."),
  BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH(0x80200022, "The client and server protocols differ."),
  BG_E_SERVER_EXECUTE_ENABLE(
      0x80200023, "Scripting or execute permissions are enabled on the server."),
  BG_E_NO_PROGRESS(0x80200024, "The job made no progress."),
  BG_E_USERNAME_TOO_LARGE(0x80200025, "The user name is too long."),
  BG_E_PASSWORD_TOO_LARGE(0x80200026, "The password is too long."),
  BG_E_INVALID_AUTH_TARGET(0x80200027, "The authentication target is not valid."),
  BG_E_INVALID_AUTH_SCHEME(0x80200028, "The authentication scheme is not valid."),
  BG_E_FILE_NOT_FOUND(0x80200029, "The file was not found."),
  BG_E_INVALID_RANGE(0x8020002B, "The byte range is not valid for the remote file."),
  BG_E_OVERLAPPING_RANGES(0x8020002C, "The byte ranges overlap or are duplicated."),
  BG_E_CONNECT_FAILURE(0x8020002D, "A connection could not be established."),
  BG_E_CONNECTION_CLOSED(0x8020002E, "The connection was closed before the transfer finished."),
  BG_E_BLOCKED_BY_POLICY(0x8020003E, "Transfers are blocked by the bandwidth policy."),
  BG_E_INVALID_PROXY_INFO(0x8020003F, "The proxy or proxy bypass list is not valid."),
  BG_E_INVALID_CREDENTIALS(0x80200040, "The credentials are not valid."),
  BG_E_INVALID_HASH_ALGORITHM(0x80200041, "The hash algorithm is not valid."),
  BG_E_RECORD_DELETED(0x80200042, "The cache record was deleted."),
  BG_E_COMMIT_IN_PROGRESS(0x80200043, "A commit is in progress."),
  BG_E_DISCOVERY_IN_PROGRESS(0x80200044, "Discovery is in progress."),
  BG_E_UPNP_ERROR(0x80200045, "The gateway reported an error."),
  BG_E_TEST_OPTION_BLOCKED_DOWNLOAD(0x80200046, "A test option blocked the download."),
  BG_E_PEERCACHING_DISABLED(0x80200047, "Peer caching is disabled."),
  BG_E_BUSYCACHERECORD(0x80200048, "The cache record is in use."),
  BG_E_TOO_MANY_JOBS_PER_USER(0x80200049, "The user has too many jobs."),
  BG_E_TOO_MANY_JOBS_PER_MACHINE(0x80200050, "The machine has too many jobs."),
  BG_E_TOO_MANY_FILES_IN_JOB(0x80200051, "The job has too many files."),
  BG_E_TOO_MANY_RANGES_IN_FILE(0x80200052, "The file has too many ranges."),
  BG_E_VALIDATION_FAILED(0x80200053, "The content failed validation."),
  BG_E_MAXDOWNLOAD_TIMEOUT(0x80200054, "The job exceeded its maximum download time."),
  BG_E_TOKEN_REQUIRED(0x80200056, "A helper token is required."),
  BG_E_UNKNOWN_PROPERTY_ID(0x80200057, "The property identifier is not known."),
  BG_E_READ_ONLY_PROPERTY(0x80200058, "The property is read-only."),
  BG_E_BLOCKED_BY_COST_TRANSFER_POLICY(
      0x80200059, "The transfer is blocked by the job's cost transfer policy."),
  BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY(
      0x80200060, "The property is supported for download jobs only."),
  BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE(
      0x80200061, "The property cannot be changed once files have been added."),
  BG_E_READ_ONLY_PROPERTY_AFTER_RESUME(
      0x80200062, "The property cannot be changed once the job has been resumed."),
  BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE(0x80200063, "The maximum download size is not valid."),
  BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED(0x80200064, "The maximum download size was reached."),
  BG_E_STANDBY_MODE(0x80200065, "The machine is in standby mode."),
  BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED(
      0x80200066, "Stored credentials are not supported for this target."),
  BG_E_BLOCKED_BY_BATTERY_POLICY(0x80200067, "The transfer is blocked by the battery policy."),
  BG_E_BLOCKED_BY_BATTERY_SAVER(0x80200068, "The transfer is blocked by battery saver."),
  BG_E_WATCHDOG_TIMEOUT(0x80200069, "The watchdog timed out."),
  BG_E_APP_PACKAGE_NOT_FOUND(0x8020006A, "The application package was not found."),
  BG_E_APP_PACKAGE_SCENARIO_NOT_SUPPORTED(
      0x8020006B, "The application package scenario is not supported."),
  BG_E_DATABASE_CORRUPT(0x8020006C, "The job database is corrupt."),
  BG_E_RANDOM_ACCESS_NOT_SUPPORTED(0x8020006D, "Random access is not supported."),
  BG_E_BLOCKED_BY_BACKGROUND_ACCESS_POLICY(
      0x8020006E, "The transfer is blocked by the background access policy."),
  BG_E_BLOCKED_BY_GAME_MODE(0x8020006F, "The transfer is blocked by game mode."),
  BG_E_BLOCKED_BY_SYSTEM_POLICY(0x80200070, "The transfer is blocked by a system policy."),
  BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD(
      0x80200071, "The operation is not supported with a custom HTTP method."),
  BG_E_UNSUPPORTED_JOB_CONFIGURATION(0x80200072, "The job's configuration is not supported."),
  BG_E_REMOTE_FILE_CHANGED(0x80200073, "The remote file changed during the transfer."),
  BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED(
      0x80200074, "A server certificate validation callback is required."),
  BG_E_READ_ONLY_WHEN_JOB_ACTIVE(
      0x80200075, "The property cannot be changed while the job is active."),
  BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK(
      0x80200076, "The error occurred in the server certificate validation callback."),

  DO_E_NO_SERVICE(0x80D01001, "Delivery Optimization could not provide the service."),
  DO_E_DOWNLOAD_NO_PROGRESS(0x80D02002, "The download made no progress within the allowed period."),
  DO_E_JOB_NOT_FOUND(0x80D02003, "The job was not found."),
  DO_E_JOB_EMPTY(0x80D02004, "The job has no files."),
  DO_E_NO_DOWNLOADS(0x80D02005, "There are no downloads."),
  DO_E_LOCALPATH_NOT_SET(0x80D0200D, "No local path was set for the download."),
  DO_E_FILE_NOT_AVAILABLE(0x80D02010, "The error is not associated with a file."),
  DO_E_UNKNOWN_PROPERTY_ID(0x80D02011, "The property identifier is not known."),
  DO_E_READ_ONLY_PROPERTY(0x80D02012, "The property is read-only."),
  DO_E_INVALID_STATE(0x80D02013, "The action is not allowed in the current state."),
  DO_E_ERROR_INFORMATION_UNAVAILABLE(0x80D02014, "No error information is available."),
  DO_E_WRITE_ONLY_PROPERTY(0x80D02015, "The property is write-only."),
  DO_E_INTEGRITYCHECKINFO_UNSPECIFIED(0x80D02016, "No integrity check information was given."),
  DO_E_INTEGRITYCHECKINFO_UNAVAILABLE(
      0x80D02017, "The integrity check information is unavailable."),
  DO_E_FILE_DOWNLOADSINK_UNSPECIFIED(0x80D02018, "Neither a local file nor a stream sink was set."),
  DO_E_FILE_DOWNLOADSINK_ALREADY_SET(0x80D02019, "A download sink is already set."),
  DO_E_FILE_SIZE_UNKNOWN_HTTP_200(0x80D0201A, "The file size is unknown (HTTP 200)."),
  DO_E_FILE_ENCRYPTION_EXPECTED(0x80D0201B, "The file was expected to be encrypted."),
  DO_E_FILE_SIZE_UNKNOWN_HTTP_206(0x80D0201C, "The file size is unknown (HTTP 206)."),
  DO_E_FILE_SIZE_UNKNOWN_HTTP_2XX(0x80D0201D, "The file size is unknown (HTTP 2xx)."),
  DO_E_DOWNLOAD_NO_URI(0x80D02200, "No URI was set for the download."),
  DO_E_NO_DOWNLOAD_EXTSETTINGS(
      0x80D03002, "Downloads are blocked by user or administrator settings."),
  DO_E_BLOCKED_BY_COST_TRANSFER_POLICY(0x80D03801, "The download is paused by the cost policy."),
  DO_E_BLOCKED_BY_CELLULAR_POLICY(0x80D03803, "The download is paused by the cellular policy."),
  DO_E_BLOCKED_BY_POWER_STATE(0x80D03804, "The download is paused: the machine left AC power."),
  DO_E_BLOCKED_BY_NO_NETWORK(0x80D03805, "The download is paused: there is no network."),
  DO_E_BLOCKED_BY_VPN_POLICY(0x80D03807, "The download is paused: a VPN was detected."),
  DO_E_BLOCKED_BY_CRITICAL_MEMORY_USAGE(0x80D03808, "The download is paused: memory is low."),
  DO_E_HTTP_BLOCKSIZE_MISMATCH(0x80D05001, "The server returned the wrong amount of data."),
  DO_E_INVALID_RANGE(0x80D05010, "The byte range is not valid."),
  DO_E_INSUFFICIENT_RANGE_SUPPORT(0x80D05011, "The server does not support HTTP ranges."),
  DO_E_OVERLAPPING_RANGES(0x80D05012, "The byte ranges overlap or are duplicated."),
  DO_E_FATAL_CORE_ERROR(0x80D06802, "A fatal error occurred in the download core.");

  private static final int HTTP_ERROR_BASE = 0x80190000;
  private static final int ERRNO_BASE = 0xC0D00000;

  /** Linux's numbers for the errors a file operation commonly reports. */
  private static final Map<Integer, String> ERRNO_NAMES =
      Map.ofEntries(
          Map.entry(1, "EPERM"),
          Map.entry(2, "ENOENT"),
          Map.entry(5, "EIO"),
          Map.entry(13, "EACCES"),
          Map.entry(17, "EEXIST"),
          Map.entry(20, "ENOTDIR"),
          Map.entry(21, "EISDIR"),
          Map.entry(28, "ENOSPC"),
          Map.entry(30, "EROFS"),
          Map.entry(36, "ENAMETOOLONG"),
          Map.entry(40, "ELOOP"));

  private static final Map<Integer, HResult> BY_VALUE = new HashMap<>();

  static {
    for (HResult code : values()) {
      BY_VALUE.putIfAbsent(code.value, code);
    }
  }

  private final int value;
  private final String message;

  HResult(int value, String message) {
    this.value = value;
    this.message = message;
  }

  /** The 32-bit HRESULT. */
  public int value() {
    return value;
  }

  /** A readable English description. */
  public String message() {
    return message;
  }

  /** Whether {@code hresult} reports success (the severity bit is clear). */
  public static boolean succeeded(int hresult) {
    return hresult >= 0;
  }

  /** The listed code with this value, if any. */
  public static Optional<HResult> of(int hresult) {
    return Optional.ofNullable(BY_VALUE.get(hresult));
  }

  /** {@code BG_E_HTTP_ERROR_nnn}: the HRESULT that reports HTTP status {@code status}. */
  public static int httpError(int status) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    return HTTP_ERROR_BASE + status;
  }

  /** The HTTP status carried by a {@code BG_E_HTTP_ERROR_nnn} code, or -1. */
  public static int httpStatusOf(int hresult) {
    int status = hresult - HTTP_ERROR_BASE;
    return status >= 100 && status <= 999 ? status : -1;
  }

  /** HRESULT_FROM_WIN32: wraps a Win32 error code. */
  public static int fromWin32(int win32Error) {
    return win32Error <= 0 ? win32Error : (win32Error & 0x0000FFFF) | 0x80070000;
  }

  /**
   * A failed system call's errno as Microsoft's Linux DO agent reports it (its
   * HRESULT_FROM_XPLAT_SYSERR: severity and customer bits, facility 0xD0, the errno below): {@code
   * EEXIST} (17) is {@code 0xC0D00011}.
   */
  public static int fromErrno(int errno) {
    return ERRNO_BASE | (errno & 0x0000FFFF);
  }

  /** The errno carried by a {@link #fromErrno} code, or -1. */
  public static int errnoOf(int hresult) {
    return (hresult & 0xFFFF0000) == ERRNO_BASE ? hresult & 0x0000FFFF : -1;
  }

  /** The symbolic name of a code: its constant name, BG_E_HTTP_ERROR_nnn, or its hex value. */
  public static String nameOf(int hresult) {
    HResult known = BY_VALUE.get(hresult);
    if (known != null) {
      return known.name();
    }
    int status = httpStatusOf(hresult);
    if (status > 0) {
      return "BG_E_HTTP_ERROR_" + status;
    }
    int errno = errnoOf(hresult);
    return errno > 0 && ERRNO_NAMES.containsKey(errno) ? ERRNO_NAMES.get(errno) : hex(hresult);
  }

  /** A readable English description of any code. */
  public static String describe(int hresult) {
    HResult known = BY_VALUE.get(hresult);
    if (known != null) {
      return known.message;
    }
    int status = httpStatusOf(hresult);
    if (status > 0) {
      return "The server returned HTTP status " + status + " (" + HttpStatusText.of(status) + ").";
    }
    int errno = errnoOf(hresult);
    if (errno > 0) {
      String name = ERRNO_NAMES.get(errno);
      return "A file operation failed with errno "
          + errno
          + (name == null ? "" : " (" + name + ")")
          + ".";
    }
    return "Error " + hex(hresult) + ".";
  }

  /** {@code 0x80200001}-style hexadecimal form. */
  public static String hex(int hresult) {
    return String.format("0x%08X", hresult);
  }
}
