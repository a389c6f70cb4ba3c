package dev.ferry.engine.transfer;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Destinations a download creates itself and writes in place, the way Microsoft's Linux DO agent
 * does: the first start creates the file with O_CREAT|O_EXCL (never replacing anything, never
 * through a link), and every later start opens that same file or fails. Failures carry the errno as
 * the agent reports it ({@link HResult#fromErrno}).
 */
public final class CreatedFiles {
  private static final int ENOENT = 2;
  private static final int EIO = 5;
  private static final int EACCES = 13;
  private static final int EEXIST = 17;
  private static final int ENOTDIR = 20;
  private static final int EISDIR = 21;
  private static final int ENOSPC = 28;
  private static final int EROFS = 30;
  private static final int ENAMETOOLONG = 36;
  private static final int ELOOP = 40;

  private CreatedFiles() {}

  /**
   * Creates {@code file}, empty, failing if anything (a file, a directory, a link) is at its name.
   *
   * @param actingFor the owner to create it as when this process works for another user (see {@link
   *     OwnerFiles}), else null
   * @throws FerryException with the errno's HRESULT when it cannot be created
   */
  public static void create(Path file, JobOwner actingFor) {
    if (!file.isAbsolute()) {
      throw new FerryException(
          HResult.fromErrno(ENOENT), "the destination must be an absolute path: " + file);
    }
    try {
      if (actingFor != null) {
        OwnerFiles.open(file, actingFor, OwnerFiles.Creation.NEW).close();
      } else {
        FileChannel.open(
                file,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)
            .close();
      }
    } catch (IOException e) {
      throw new FerryException(
          HResult.fromErrno(errnoOf(e)), "cannot create " + file + ": " + reason(e), e);
    }
  }

  /**
   * Checks that the file a download created is still there as a regular file, not a link.
   *
   * @throws FerryException with ENOENT's HRESULT when it is gone, as the agent's open() reports
   */
  public static void checkPresent(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new FerryException(
          HResult.fromErrno(errnoOf(e)), "cannot open " + file + ": " + reason(e), e);
    }
    if (!attributes.isRegularFile()) {
      throw new FerryException(
          HResult.fromErrno(attributes.isDirectory() ? EISDIR : ELOOP),
          file + " is no longer the file this download created");
    }
  }

  /** The errno behind a failed file operation, as far as the JDK's exception tells it. */
  public static int errnoOf(IOException e) {
    if (e instanceof FileAlreadyExistsException) {
      return EEXIST;
    }
    if (e instanceof NoSuchFileException) {
      return ENOENT;
    }
    if (e instanceof AccessDeniedException) {
      return EACCES;
    }
    if (e instanceof NotDirectoryException) {
      return ENOTDIR;
    }
    String why =
        e instanceof FileSystemException fs && fs.getReason() != null
            ? fs.getReason()
            : String.valueOf(e.getMessage());
    String lower = why.toLowerCase(Locale.ROOT);
    if (lower.contains("no space left") || lower.contains("quota")) {
      return ENOSPC;
    }
    if (lower.contains("read-only")) {
      return EROFS;
    }
    if (lower.contains("is a directory")) {
      return EISDIR;
    }
    if (lower.contains("not a directory")) {
      return ENOTDIR;
    }
    if (lower.contains("too many levels of symbolic links")) {
      return ELOOP;
    }
    if (lower.contains("name too long")) {
      return ENAMETOOLONG;
    }
    if (lower.contains("permission denied") || lower.contains("not writable")) {
      return EACCES;
    }
    if (lower.contains("no such file")) {
      return ENOENT;
    }
    return EIO;
  }

  private static String reason(IOException e) {
    if (e instanceof FileAlreadyExistsException) {
      return "it already exists";
    }
    if (e instanceof NoSuchFileException) {
      return "its directory does not exist";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return String.valueOf(e.getMessage());
  }
}
