package dev.ferry.rest;

import dev.ferry.api.HResult;

/**
 * The HTTP status for a failed call. The HRESULT in the body is what clients act on; the status
 * only groups failures for tools like curl: 404 unknown job, 403 not allowed, 409 wrong state, 400
 * bad argument, 500 for failures of the service itself.
 */
public final class HttpStatusMapping {
  private HttpStatusMapping() {}

  public static int statusFor(int hresult) {
    HResult code = HResult.of(hresult).orElse(null);
    if (code == null) {
      return 500;
    }
    return switch (code) {
      case BG_E_NOT_FOUND, DO_E_JOB_NOT_FOUND, BG_E_ERROR_INFORMATION_UNAVAILABLE, E_NOT_SET -> 404;
      case E_ACCESSDENIED -> 403;
      case BG_E_INVALID_STATE,
          DO_E_INVALID_STATE,
          BG_E_EMPTY,
          BG_E_READ_ONLY_PROPERTY,
          BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE,
          BG_E_READ_ONLY_PROPERTY_AFTER_RESUME,
          BG_E_TOO_MANY_JOBS_PER_USER,
          BG_E_TOO_MANY_JOBS_PER_MACHINE,
          BG_E_TOO_MANY_FILES_IN_JOB,
          BG_E_TOO_MANY_FILES,
          BG_E_UNSUPPORTED_JOB_CONFIGURATION ->
          409;
      case E_UNEXPECTED,
          E_FAIL,
          E_OUTOFMEMORY,
          DO_E_NO_SERVICE,
          BG_E_DATABASE_CORRUPT,
          ERROR_DISK_FULL ->
          500;
      case E_NOTIMPL -> 501;
      default -> 400;
    };
  }
}
