package dev.ferry.daemon.doagent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restport.<pid>} in the agent's run directory: the port in decimal on the first line, which
 * is how the SDK finds the agent (it reads the newest file whose name contains {@code restport}).
 */
final class PortFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PortFile.class);
  static final String PREFIX = "restport.";

  private final Path path;

  private PortFile(Path path) {
    this.path = path;
  }

  /**
   * Writes the file for {@code port}, replacing it atomically so a reader never sees it half
   * written. First, as the agent does when it starts, every other file whose name contains {@code
   * restport} is removed: the SDK takes the newest such file, whatever its name, and a stale one
   * (left by an agent that did not stop cleanly, or written by hand) could otherwise send it to a
   * port nobody listens on, or to another program.
   *
   * @param shared whether other users must read it (0644, directory 0755) or only this user (0600,
   *     directory 0700)
   */
  static PortFile write(Path dir, int port, boolean shared) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir,
          PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString(shared ? "rwxr-xr-x" : "rwx------")));
    }
    removeStale(dir);
    Path path = dir.resolve(PREFIX + ProcessHandle.current().pid());
    Path temporary = dir.resolve(".port-" + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(temporary);
    Files.createFile(
        temporary,
        PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(shared ? "rw-r--r--" : "rw-------")));
    // The umask may have cleared bits the attribute asked for.
    Files.setPosixFilePermissions(
        temporary, PosixFilePermissions.fromString(shared ? "rw-r--r--" : "rw-------"));
    Files.writeString(temporary, port + "\n", StandardCharsets.US_ASCII);
    try {
      Files.move(
          temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
    }
    return new PortFile(path);
  }

  /** Removes every entry but directories whose name contains {@code restport} (a link itself). */
  private static void removeStale(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*restport*")) {
      for (Path file : files) {
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try {
          Files.deleteIfExists(file);
          log.info("removed the stale DO agent port file {}", file);
        } catch (IOException e) {
          log.warn("could not remove the stale DO agent port file {}: {}", file, e.toString());
        }
      }
    } catch (IOException e) {
      log.debug("could not look for stale port files in {}: {}", dir, e.toString());
    }
  }

  Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", path, e.getMessage());
    }
  }
}
