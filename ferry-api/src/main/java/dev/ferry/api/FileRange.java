package dev.ferry.api;

/**
 * BG_FILE_RANGE: a zero-based byte range of the remote file. {@link #TO_EOF} as the length means
 * "to the end of the file". Lengths and offsets are unsigned in BITS; here they must be
 * non-negative, with -1 reserved for the sentinel.
 */
public record FileRange(long offset, long length) {
  /** BG_LENGTH_TO_EOF. */
  public static final long TO_EOF = -1L;

  public FileRange {
    if (offset < 0) {
      throw new FerryException(
          HResult.BG_E_INVALID_RANGE, "range offset " + offset + " is not valid");
    }
    if (length == 0 || length < TO_EOF) {
      throw new FerryException(
          HResult.BG_E_INVALID_RANGE, "range length " + length + " is not valid");
    }
  }

  public boolean toEndOfFile() {
    return length == TO_EOF;
  }

  /** The first offset past the range, given the remote file's size (needed for {@link #TO_EOF}). */
  public long end(long fileSize) {
    return toEndOfFile() ? fileSize : offset + length;
  }

  /** Parses bitsadmin's {@code offset:length} form, where the length may be {@code eof}. */
  public static FileRange parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new FerryException(
          HResult.E_INVALIDARG, "a range is offset:length, not '" + text + "'");
    }
    try {
      long offset = Long.parseLong(text.substring(0, colon).trim());
      String length = text.substring(colon + 1).trim();
      return new FileRange(
          offset, length.equalsIgnoreCase("eof") ? TO_EOF : Long.parseLong(length));
    } catch (NumberFormatException e) {
      throw new FerryException(
          HResult.E_INVALIDARG, "a range is offset:length, not '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return offset + ":" + (toEndOfFile() ? "eof" : Long.toString(length));
  }
}
