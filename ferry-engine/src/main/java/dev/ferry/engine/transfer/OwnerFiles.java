package dev.ferry.engine.transfer;

import dev.ferry.api.JobOwner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * File operations that a privileged engine (a system daemon running as root) performs for a job's
 * owner. A path checked when the job was created may since point elsewhere (the owner can swap a
 * directory of theirs for a link to /etc), so nothing here trusts the path: each operation opens
 * the directory once, checks that the directory actually opened is one the owner may write, and
 * works relative to that open directory (openat / renameat / unlinkat), never following a link in
 * the last component. Files created are given to the owner.
 */
public final class OwnerFiles {
  private static final long PROCESS_UID = processUid();
  private static final Map<Long, Set<Long>> GROUPS = new ConcurrentHashMap<>();
  private static final Map<Long, Long> PRIMARY_GROUP = new ConcurrentHashMap<>();

  /**
   * User and group names resolved to ids. Every file operation checks its directory's owner, and
   * looking a name up starts a process, so each name is looked up once.
   */
  private static final Map<String, Long> USER_IDS = new ConcurrentHashMap<>();

  private static final Map<String, Long> GROUP_IDS = new ConcurrentHashMap<>();

  private OwnerFiles() {}

  /** Whether this process acts for someone else: root working for another user's job. */
  public static boolean actsFor(JobOwner owner) {
    return PROCESS_UID == 0 && owner != null && owner.uid() != 0;
  }

  /** Whether {@link #open} may create the file. */
  public enum Creation {
    /** Create it; fail if anything is at its name (O_CREAT|O_EXCL). */
    NEW,
    /** Open it, creating it when nothing is there (O_CREAT). */
    IF_MISSING,
    /** Open it only if it exists. */
    NEVER
  }

  /** Reading and writing, never through a link, creating the file as {@code creation} says. */
  static Set<OpenOption> options(Creation creation) {
    Set<OpenOption> options = new HashSet<>();
    options.add(StandardOpenOption.READ);
    options.add(StandardOpenOption.WRITE);
    switch (creation) {
      case NEW -> options.add(StandardOpenOption.CREATE_NEW);
      case IF_MISSING -> options.add(StandardOpenOption.CREATE);
      case NEVER -> {}
    }
    options.add(LinkOption.NOFOLLOW_LINKS);
    return options;
  }

  /** Opens the file for writing and reading, as its owner, creating it as {@code creation} says. */
  public static FileChannel open(Path file, JobOwner owner, Creation creation) throws IOException {
    try (SecureDirectoryStream<Path> dir = openDirectory(file.getParent(), owner)) {
      Set<OpenOption> options = options(creation);
      Path name = file.getFileName();
      SeekableByteChannel channel = dir.newByteChannel(name, options);
      if (!(channel instanceof FileChannel fileChannel)) {
        channel.close();
        throw new IOException("the platform gave no file channel for " + file);
      }
      try {
        PosixFileAttributeView view =
            dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view.readAttributes().owner().getName().equals("root")) {
          giveTo(view, owner);
        }
      } catch (IOException | RuntimeException e) {
        fileChannel.close();
        throw e;
      }
      return fileChannel;
    }
  }

  /** Renames {@code from} to {@code to} (same directory) inside the directory actually opened. */
  public static void move(Path from, Path to, JobOwner owner) throws IOException {
    if (!from.getParent().equals(to.getParent())) {
      throw new IOException("a job's temporary file lives beside its destination");
    }
    try (SecureDirectoryStream<Path> dir = openDirectory(to.getParent(), owner)) {
      dir.move(from.getFileName(), dir, to.getFileName());
    }
  }

  /** Deletes {@code file} if it exists, inside the directory actually opened. */
  public static void delete(Path file, JobOwner owner) throws IOException {
    try (SecureDirectoryStream<Path> dir = openDirectory(file.getParent(), owner)) {
      dir.deleteFile(file.getFileName());
    } catch (java.nio.file.NoSuchFileException gone) {
      // Nothing to delete.
    }
  }

  private static SecureDirectoryStream<Path> openDirectory(Path path, JobOwner owner)
      throws IOException {
    DirectoryStream<Path> stream = Files.newDirectoryStream(path);
    if (!(stream instanceof SecureDirectoryStream<Path> dir)) {
      stream.close();
      throw new IOException("this platform cannot open directories safely for another user");
    }
    try {
      PosixFileAttributes attributes =
          dir.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
      if (!writable(attributes, owner)) {
        throw new AccessDeniedException(
            path.toString(), null, "the directory is not writable by " + owner.name());
      }
      return dir;
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  private static boolean writable(PosixFileAttributes dir, JobOwner owner) throws IOException {
    Set<PosixFilePermission> mode = dir.permissions();
    long dirUid = uidOf(dir);
    if (dirUid == owner.uid()) {
      return mode.contains(PosixFilePermission.OWNER_WRITE)
          && mode.contains(PosixFilePermission.OWNER_EXECUTE);
    }
    if (groupsOf(owner).contains(gidOf(dir))) {
      return mode.contains(PosixFilePermission.GROUP_WRITE)
          && mode.contains(PosixFilePermission.GROUP_EXECUTE);
    }
    return mode.contains(PosixFilePermission.OTHERS_WRITE)
        && mode.contains(PosixFilePermission.OTHERS_EXECUTE);
  }

  private static long uidOf(PosixFileAttributes attributes) throws IOException {
    String name = attributes.owner().getName();
    Long id = USER_IDS.get(name);
    if (id == null) {
      id = idOf(name, "-u");
      USER_IDS.put(name, id);
    }
    return id;
  }

  private static long gidOf(PosixFileAttributes attributes) throws IOException {
    String name = attributes.group().getName();
    Long id = GROUP_IDS.get(name);
    if (id == null) {
      id = groupId(name);
      GROUP_IDS.put(name, id);
    }
    return id;
  }

  private static void giveTo(PosixFileAttributeView view, JobOwner owner) throws IOException {
    UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
    view.setOwner(names.lookupPrincipalByName(owner.name()));
    long gid = PRIMARY_GROUP.computeIfAbsent(owner.uid(), uid -> primaryGroup(owner));
    if (gid >= 0) {
      GroupPrincipal group = names.lookupPrincipalByGroupName(Long.toString(gid));
      view.setGroup(group);
    }
  }

  private static long primaryGroup(JobOwner owner) {
    try {
      return Long.parseLong(run(List.of("id", "-g", owner.name())).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static Set<Long> groupsOf(JobOwner owner) {
    return GROUPS.computeIfAbsent(
        owner.uid(),
        uid -> {
          Set<Long> groups = new HashSet<>();
          try {
            for (String id : run(List.of("id", "-G", owner.name())).strip().split("\\s+")) {
              groups.add(Long.parseLong(id));
            }
          } catch (IOException | NumberFormatException e) {
            // No groups known: only owner and other permissions apply.
          }
          return groups;
        });
  }

  private static long idOf(String name, String flag) throws IOException {
    if (name.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(name);
    }
    return Long.parseLong(run(List.of("id", flag, name)).strip());
  }

  private static long groupId(String name) throws IOException {
    if (name.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(name);
    }
    String line = run(List.of("getent", "group", name)).strip();
    String[] fields = line.split(":");
    if (fields.length < 3) {
      throw new IOException("unknown group " + name);
    }
    return Long.parseLong(fields[2]);
  }

  private static String run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + command.get(0), e);
    }
  }

  private static long processUid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | RuntimeException notLinux) {
      return -1;
    }
  }
}
