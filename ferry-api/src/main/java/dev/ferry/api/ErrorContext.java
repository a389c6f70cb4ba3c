package dev.ferry.api;

/** BG_ERROR_CONTEXT: where an error happened. */
public enum ErrorContext {
  NONE(0, HResult.BG_S_ERROR_CONTEXT_NONE),
  UNKNOWN(1, HResult.BG_E_ERROR_CONTEXT_UNKNOWN),
  GENERAL_QUEUE_MANAGER(2, HResult.BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER),
  QUEUE_MANAGER_NOTIFICATION(3, HResult.BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION),
  LOCAL_FILE(4, HResult.BG_E_ERROR_CONTEXT_LOCAL_FILE),
  REMOTE_FILE(5, HResult.BG_E_ERROR_CONTEXT_REMOTE_FILE),
  GENERAL_TRANSPORT(6, HResult.BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT),
  REMOTE_APPLICATION(7, HResult.BG_E_ERROR_CONTEXT_REMOTE_APPLICATION),
  SERVER_CERTIFICATE_CALLBACK(8, HResult.BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK);

  private final int value;
  private final HResult description;

  ErrorContext(int value, HResult description) {
    this.value = value;
    this.description = description;
  }

  public int value() {
    return value;
  }

  /** A readable English description of the context. */
  public String description() {
    return description.message();
  }

  public static ErrorContext of(int value) {
    for (ErrorContext context : values()) {
      if (context.value == value) {
        return context;
      }
    }
    throw new FerryException(HResult.E_INVALIDARG, "no error context has the value " + value);
  }
}
