package dev.ferry.api;

/** BITS_FILE_PROPERTY_ID: the properties of IBackgroundCopyFile5. */
public enum FilePropertyId {
  /** The header block of the server's most recent HTTP response for the file. Read-only. */
  HTTP_RESPONSE_HEADERS(1);

  private final int value;

  FilePropertyId(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static FilePropertyId of(int value) {
    for (FilePropertyId id : values()) {
      if (id.value == value) {
        return id;
      }
    }
    throw new FerryException(
        HResult.BG_E_UNKNOWN_PROPERTY_ID, "no file property has the id " + value);
  }
}
