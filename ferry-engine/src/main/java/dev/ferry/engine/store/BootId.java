package dev.ferry.engine.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which boot of the machine this is. Bytes a process wrote stay in the page cache when the process
 * dies, and reach the disk later; only a crash of the machine loses them, and the machine then
 * boots again under a new id. So what was written in this boot may be trusted without a flush, and
 * what was written in an earlier one only as far as it was flushed.
 */
public final class BootId {
  private static final Path LINUX = Path.of("/proc/sys/kernel/random/boot_id");

  private BootId() {}

  /** This boot's id, or null where the system does not tell (then only flushed bytes count). */
  public static String current() {
    try {
      String id = Files.readString(LINUX).strip();
      return id.isEmpty() ? null : id;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
