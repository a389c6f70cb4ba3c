package dev.ferry.cli;

import dev.ferry.api.NotifyFlag;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobView;
import java.util.stream.Collectors;

/** How values read in the human output: bitsadmin's words (NULL, UNKNOWN) for absent ones. */
final class Texts {
  private Texts() {}

  static final String NULL = "NULL";

  static String orNull(Object value) {
    return value == null ? NULL : value.toString();
  }

  static String size(long bytes) {
    return bytes < 0 ? "UNKNOWN" : Long.toString(bytes);
  }

  static String bytes(long transferred, long total) {
    return transferred + " / " + size(total);
  }

  static String bytes(JobView.Progress progress) {
    return bytes(progress.bytesTransferred(), progress.bytesTotal());
  }

  static String files(JobView.Progress progress) {
    return progress.filesTransferred() + " / " + progress.filesTotal();
  }

  static String owner(JobView.Owner owner) {
    return owner.name() + " (uid " + owner.uid() + ")";
  }

  static String notifyFlags(int mask) {
    try {
      return mask
          + " ("
          + NotifyFlag.fromMask(mask).stream().map(Enum::name).collect(Collectors.joining(" "))
          + ")";
    } catch (RuntimeException undefinedBits) {
      return Integer.toString(mask);
    }
  }

  static String commandLine(JobView.CommandLine commandLine) {
    if (commandLine == null) {
      return NULL;
    }
    return commandLine.parameters() == null || commandLine.parameters().isEmpty()
        ? commandLine.program()
        : commandLine.program() + " " + commandLine.parameters();
  }

  /** Custom headers one per line, as they were given. */
  static String headers(String crlfSeparated) {
    return crlfSeparated == null ? NULL : crlfSeparated.strip().replace("\r\n", "\n");
  }

  /** WORKING, TRANSFERRED (all bytes in, not yet completed) or COMPLETED. */
  static String fileState(FileView file) {
    if (file.completed()) {
      return "COMPLETED";
    }
    return file.bytesTotal() >= 0 && file.bytesTransferred() == file.bytesTotal()
        ? "TRANSFERRED"
        : "WORKING";
  }

  static String ranges(FileView file) {
    return file.ranges().isEmpty()
        ? "-"
        : file.ranges().stream()
            .map(r -> r.offset() + ":" + (r.length() < 0 ? "eof" : Long.toString(r.length())))
            .collect(Collectors.joining(","));
  }
}
