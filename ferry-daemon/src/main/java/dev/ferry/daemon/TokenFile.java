package dev.ferry.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token of the TCP listener: 32 random bytes as hex, new at every start, in a file only
 * the daemon's user can read (0600). Whoever can read it acts as that user.
 */
final class TokenFile {
  private TokenFile() {}

  static String create(Path file) {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      // Created 0600 from the start, then renamed into place, so no reader sees it open or partial.
      Path temp =
          Files.createTempFile(
              dir,
              ".token",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new StartupException("cannot write the token file " + file + ": " + e.getMessage(), e);
    }
    return token;
  }
}
