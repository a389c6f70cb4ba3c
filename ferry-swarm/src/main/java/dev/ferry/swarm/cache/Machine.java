package dev.ferry.swarm.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the cache reads of the machine for DOMinRAMAllowedToPeer, DOMinDiskSizeAllowedToPeer and
 * DOMaxCacheSize. Injected, so tests set the readings; {@link #local()} reads this machine's.
 */
public interface Machine {
  /** The machine's memory in bytes, or -1 when it cannot be read. */
  long memorySize();

  /** The size in bytes of the file system holding {@code dir}. */
  long diskSize(Path dir) throws IOException;

  /** This machine: {@code MemTotal} of {@code /proc/meminfo}, and the file system's total space. */
  static Machine local() {
    return Local.INSTANCE;
  }

  /** See {@link #local()}. */
  enum Local implements Machine {
    INSTANCE;

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    @Override
    public long memorySize() {
      try {
        for (String line : Files.readAllLines(MEMINFO, StandardCharsets.US_ASCII)) {
          if (line.startsWith("MemTotal:")) {
            String[] fields = line.substring("MemTotal:".length()).trim().split("\\s+");
            long kib = Long.parseLong(fields[0]);
            return fields.length > 1 && fields[1].equals("kB") ? kib * 1024 : kib;
          }
        }
      } catch (IOException | RuntimeException e) {
        // Not Linux, or no /proc: unknown.
      }
      return -1;
    }

    @Override
    public long diskSize(Path dir) throws IOException {
      return Files.getFileStore(dir).getTotalSpace();
    }
  }
}
