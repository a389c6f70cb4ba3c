package dev.ferry.engine.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps SQLite's native library unpacked in the data directory. sqlite-jdbc unpacks it from its jar
 * into the temporary directory on every start and reads it back to compare, which was a sixth of a
 * one-shot download's time; the copy kept here is loaded directly. Only glibc Linux on x86_64 and
 * aarch64 is handled: anywhere else, or when anything goes wrong, sqlite-jdbc finds its library the
 * way it always does.
 */
final class SqliteLibrary {
  private static final Logger log = LoggerFactory.getLogger(SqliteLibrary.class);
  private static final String PATH_PROPERTY = "org.sqlite.lib.path";
  private static final String NAME_PROPERTY = "org.sqlite.lib.name";

  private SqliteLibrary() {}

  /** Points sqlite-jdbc at a copy in {@code dir} (private to its user), made when missing. */
  static synchronized void useCopyIn(Path dir) {
    if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
      return;
    }
    String arch = architecture();
    if (arch == null) {
      return;
    }
    URL library =
        org.sqlite.JDBC.class.getResource("/org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so");
    if (library == null) {
      return;
    }
    try {
      long size = library.openConnection().getContentLengthLong();
      // The version and size name the copy, so a new sqlite-jdbc never loads an old library.
      String name =
          "libsqlitejdbc-%s-%s-%d.so"
              .formatted(org.sqlite.SQLiteJDBCLoader.getVersion(), arch, size);
      Path copy = dir.resolve(name);
      if (!Files.isRegularFile(copy) || Files.size(copy) != size) {
        unpack(library, copy);
      }
      System.setProperty(PATH_PROPERTY, dir.toString());
      System.setProperty(NAME_PROPERTY, name);
    } catch (IOException | RuntimeException e) {
      log.debug("SQLite's library stays with sqlite-jdbc's own unpacking: {}", e.toString());
    }
  }

  /** Written beside its final name and renamed, so a concurrent start never loads half a file. */
  private static void unpack(URL library, Path copy) throws IOException {
    Path partial =
        Files.createTempFile(
            copy.getParent(),
            ".libsqlitejdbc",
            ".part",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (InputStream in = library.openStream()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** sqlite-jdbc's name for this machine's architecture, or null where the copy is not made. */
  private static String architecture() {
    if (!System.getProperty("os.name", "").equals("Linux") || musl()) {
      return null;
    }
    return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> null;
    };
  }

  private static boolean musl() {
    try (var entries = Files.newDirectoryStream(Path.of("/lib"), "ld-musl-*")) {
      return entries.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }
}
