package dev.ferry.daemon.api;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A root daemon writes and reads files with root's rights, so on behalf of an ordinary caller it
 * first checks that the caller could do the same: write the destination's directory, and read a
 * {@code file://} source. Without this any local user of a system daemon could have root write
 * anywhere or copy any file. The check follows the permission bits (ACLs are not consulted, which
 * only ever refuses more); it is skipped when the daemon does not run as root, where the kernel
 * already enforces the daemon user's own rights.
 */
public final class CallerAccess {
  private static final int S_ISVTX = 01000;

  private final boolean daemonIsRoot;
  private final Map<String, Set<Long>> groups = new ConcurrentHashMap<>();

  public CallerAccess(boolean daemonIsRoot) {
    this.daemonIsRoot = daemonIsRoot;
  }

  private boolean applies(JobOwner caller) {
    return daemonIsRoot && !caller.isAdministrator();
  }

  /** The caller may create or replace {@code localName}. Malformed names are left to the engine. */
  public void checkDestination(JobOwner caller, String localName) {
    if (!applies(caller) || localName == null) {
      return;
    }
    Path path;
    try {
      path = Path.of(localName);
    } catch (RuntimeException e) {
      return;
    }
    Path parent = path.getParent();
    if (!path.isAbsolute() || parent == null || !Files.isDirectory(parent)) {
      return;
    }
    try {
      checkSearchable(caller, parent);
      Stat dir = Stat.of(parent);
      if (!dir.allows(caller, groupsOf(caller), 2 | 1)) {
        throw denied(caller, "the directory " + parent + " is not writable by " + caller.name());
      }
      if ((dir.mode & S_ISVTX) != 0 && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        Stat target = Stat.of(path);
        if (target.uid != caller.uid() && dir.uid != caller.uid()) {
          throw denied(caller, path + " belongs to another user");
        }
      }
    } catch (IOException e) {
      throw denied(caller, "cannot check access to " + parent + ": " + e.getMessage());
    }
  }

  /** The caller may read the source of a {@code file:} URL; other schemes are not files. */
  public void checkSource(JobOwner caller, String remoteName) {
    if (!applies(caller)
        || remoteName == null
        || !remoteName.regionMatches(true, 0, "file:", 0, 5)) {
      return;
    }
    Path source;
    try {
      source = Path.of(URI.create(remoteName));
    } catch (RuntimeException e) {
      return;
    }
    if (!Files.exists(source)) {
      return;
    }
    try {
      checkSearchable(caller, source.getParent());
      Path real = source.toRealPath();
      checkSearchable(caller, real.getParent());
      if (!Stat.of(real).allows(caller, groupsOf(caller), 4)) {
        throw denied(caller, source + " is not readable by " + caller.name());
      }
    } catch (IOException e) {
      throw denied(caller, "cannot check access to " + source + ": " + e.getMessage());
    }
  }

  private void checkSearchable(JobOwner caller, Path dir) throws IOException {
    Set<Long> gids = groupsOf(caller);
    for (Path d = dir; d != null; d = d.getParent()) {
      if (!Stat.of(d).allows(caller, gids, 1)) {
        throw denied(caller, d + " cannot be entered by " + caller.name());
      }
    }
  }

  private static FerryException denied(JobOwner caller, String message) {
    return new FerryException(HResult.E_ACCESSDENIED, message);
  }

  private Set<Long> groupsOf(JobOwner caller) {
    return groups.computeIfAbsent(caller.name(), CallerAccess::lookUpGroups);
  }

  /** The caller's groups, from {@code id -G}; none when unknown, which only refuses more. */
  private static Set<Long> lookUpGroups(String name) {
    Set<Long> gids = new HashSet<>();
    try {
      Process process =
          new ProcessBuilder("id", "-G", "--", name)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
        for (String gid : out.strip().split("\\s+")) {
          if (!gid.isEmpty()) {
            gids.add(Long.parseLong(gid));
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Set.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Set.of();
    }
    return Set.copyOf(gids);
  }

  /** The owner, group and mode of a file. */
  private record Stat(long uid, long gid, int mode) {
    static Stat of(Path path) throws IOException {
      Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,gid,mode");
      return new Stat(
          ((Number) attributes.get("uid")).longValue(),
          ((Number) attributes.get("gid")).longValue(),
          (Integer) attributes.get("mode"));
    }

    /** Whether every bit of {@code wanted} (4 read, 2 write, 1 execute) is granted to caller. */
    boolean allows(JobOwner caller, Set<Long> callerGroups, int wanted) {
      int bits;
      if (uid == caller.uid()) {
        bits = (mode >> 6) & 7;
      } else if (callerGroups.contains(gid)) {
        bits = (mode >> 3) & 7;
      } else {
        bits = mode & 7;
      }
      return (bits & wanted) == wanted;
    }
  }
}
