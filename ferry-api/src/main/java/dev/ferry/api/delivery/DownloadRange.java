package dev.ferry.api.delivery;

import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** DO_DOWNLOAD_RANGE: a byte range of the remote file; {@link #TO_EOF} reaches its end. */
public record DownloadRange(long offset, long length) {
  /** DO_LENGTH_TO_EOF. */
  public static final long TO_EOF = -1L;

  public DownloadRange {
    if (offset < 0) {
      throw new FerryException(
          HResult.DO_E_INVALID_RANGE, "range offset " + offset + " is negative");
    }
    if (length == 0 || length < TO_EOF) {
      throw new FerryException(
          HResult.DO_E_INVALID_RANGE, "range length " + length + " is not valid");
    }
    if (length != TO_EOF && offset + length < 0) {
      throw new FerryException(
          HResult.DO_E_INVALID_RANGE, "range " + offset + "+" + length + " overflows");
    }
  }

  /** The whole file, as DO's stream sinks ask for it. */
  public static DownloadRange wholeFile() {
    return new DownloadRange(0, TO_EOF);
  }

  public boolean toEndOfFile() {
    return length == TO_EOF;
  }

  public FileRange toFileRange() {
    return new FileRange(offset, length);
  }

  /**
   * Checks a caller's list as DO does: none may overlap another or repeat it (after sorting by
   * offset), and only the last may run to the end of the file.
   */
  public static List<DownloadRange> checked(List<DownloadRange> ranges) {
    if (ranges == null || ranges.isEmpty()) {
      throw new FerryException(HResult.DO_E_INVALID_RANGE, "at least one range is required");
    }
    List<DownloadRange> sorted = new ArrayList<>(ranges);
    if (sorted.contains(null)) {
      throw new FerryException(HResult.E_INVALIDARG, "a range is null");
    }
    sorted.sort(Comparator.comparingLong(DownloadRange::offset));
    for (int i = 1; i < sorted.size(); i++) {
      DownloadRange previous = sorted.get(i - 1);
      DownloadRange next = sorted.get(i);
      if (previous.toEndOfFile() || previous.offset + previous.length > next.offset) {
        throw new FerryException(
            HResult.DO_E_OVERLAPPING_RANGES, "ranges " + previous + " and " + next + " overlap");
      }
    }
    return List.copyOf(sorted);
  }

  @Override
  public String toString() {
    return offset + ":" + (toEndOfFile() ? "eof" : Long.toString(length));
  }
}
