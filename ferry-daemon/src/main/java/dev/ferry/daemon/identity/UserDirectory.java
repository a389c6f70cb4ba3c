package dev.ferry.daemon.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps user names to uids. The JDK reports a socket peer as a user name only, so the uid comes from
 * the name service ({@code getent passwd}, which also sees LDAP/NSS users), falling back to {@code
 * /etc/passwd}. Answers are cached: a user's uid does not change while the daemon runs.
 */
public final class UserDirectory {
  private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);

  private final Map<String, Long> uids = new ConcurrentHashMap<>();

  /** Seeds the cache with a known user (the daemon's own), so it never needs a lookup. */
  public UserDirectory(String knownName, long knownUid) {
    if (knownName != null && !knownName.isEmpty()) {
      uids.put(knownName, knownUid);
    }
  }

  /** The uid of {@code name}; empty when no user has that name. */
  public Optional<Long> uidOf(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    if (name.chars().allMatch(Character::isDigit) && name.length() < 11) {
      // The JDK reports a uid without a passwd entry as its number.
      return Optional.of(Long.parseLong(name));
    }
    Long cached = uids.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Long> found = getent(name).or(() -> passwdFile(name));
    found.ifPresent(uid -> uids.put(name, uid));
    return found;
  }

  private static Optional<Long> getent(String name) {
    if (!name.matches("[A-Za-z0-9._][A-Za-z0-9._@$-]*")) {
      return Optional.empty();
    }
    try {
      Process process =
          new ProcessBuilder("getent", "passwd", name)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return process.exitValue() == 0 ? uidField(out.strip(), name) : Optional.empty();
    } catch (IOException e) {
      log.debug("getent is not available: {}", e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<Long> passwdFile(String name) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/etc/passwd"));
      for (String line : lines) {
        Optional<Long> uid = uidField(line, name);
        if (uid.isPresent()) {
          return uid;
        }
      }
    } catch (IOException e) {
      log.debug("cannot read /etc/passwd: {}", e.getMessage());
    }
    return Optional.empty();
  }

  /** The uid of a {@code name:password:uid:...} line, if the line is {@code name}'s. */
  static Optional<Long> uidField(String line, String name) {
    String[] fields = line.split(":", -1);
    if (fields.length < 3 || !fields[0].equals(name)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(fields[2]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
