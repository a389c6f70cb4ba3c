package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.engine.piece.Span;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * The local file a transfer writes: opened without following links (as the job's owner where the
 * engine acts for one), written at positions, read back for verification, flushed for checkpoints,
 * and brought to its size and modification time at the end. Every local failure is mapped here to
 * its documented code and class.
 *
 * @param owner the owner the engine acts for, or null
 */
record FileSink(Path target, JobOwner owner, FileChannel channel) implements AutoCloseable {

  /**
   * Opens the file the bytes go to. A transfer with no progress starts from a file it creates
   * itself, so nothing planted at that path beforehand (a link to another file) is written through;
   * a resumed one refuses a file that has become a symbolic or hard link. A destination the
   * download created when it first started ({@code createdBefore}, see {@link CreatedFiles}) is
   * opened as it is or not at all.
   *
   * @param owner the owner to act for, or null
   */
  static FileSink open(Path target, JobOwner owner, boolean createdBefore, FileState state)
      throws TransferFailure {
    if (createdBefore) {
      return new FileSink(target, owner, openCreated(target, owner, state));
    }
    try {
      // A file with nothing transferred starts afresh; so does one whose file is gone, since
      // whatever was written went with it and the piece map must not claim it.
      boolean fresh =
          state.bytesTransferred() == 0 || !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
      if (!fresh) {
        return new FileSink(target, owner, open(target, owner, OwnerFiles.Creation.IF_MISSING));
      }
      state.forget();
      if (owner != null) {
        OwnerFiles.delete(target, owner);
        return new FileSink(target, owner, open(target, owner, OwnerFiles.Creation.NEW));
      }
      // Usually nothing is there: create first and delete only what is found, since each check
      // of a missing path costs the JDK an exception, and a job of many small files made
      // thousands of them.
      try {
        return new FileSink(target, null, open(target, null, OwnerFiles.Creation.NEW));
      } catch (FileAlreadyExistsException e) {
        Files.delete(target);
        return new FileSink(target, null, open(target, null, OwnerFiles.Creation.NEW));
      }
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /**
   * Opens a destination the download created when it first started ({@link CreatedFiles}): that
   * file or nothing, never created, replaced or deleted here, never through a link.
   */
  private static FileChannel openCreated(Path target, JobOwner owner, FileState state)
      throws TransferFailure {
    if (state.bytesTransferred() == 0) {
      state.forget();
    }
    try {
      return open(target, owner, OwnerFiles.Creation.NEVER);
    } catch (IOException e) {
      throw new TransferFailure(
          HResult.fromErrno(CreatedFiles.errnoOf(e)),
          ErrorContext.LOCAL_FILE,
          false,
          null,
          null,
          "cannot open " + target + ", which this download created: " + e.getMessage(),
          e);
    }
  }

  /**
   * Opens the target for reading and writing without following a link, as the job's owner where
   * this engine acts for one; a file that already existed must have no other hard links.
   */
  private static FileChannel open(Path target, JobOwner owner, OwnerFiles.Creation creation)
      throws IOException, TransferFailure {
    FileChannel channel =
        owner != null
            ? OwnerFiles.open(target, owner, creation)
            : FileChannel.open(target, OwnerFiles.options(creation));
    if (creation != OwnerFiles.Creation.NEW) {
      refuseHardLinks(channel, target);
    }
    return channel;
  }

  private static void refuseHardLinks(FileChannel channel, Path target)
      throws IOException, TransferFailure {
    Object links = linkCount(target);
    if (links instanceof Integer n && n > 1) {
      channel.close();
      throw fatal(
          HResult.E_ACCESSDENIED,
          target + " has other hard links; Ferry does not write through links");
    }
  }

  private static Object linkCount(Path target) throws IOException {
    try {
      return Files.getAttribute(target, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return 1;
    }
  }

  /** Writes {@code length} bytes of {@code buf} from {@code offset} at {@code position}. */
  void write(byte[] buf, int offset, int length, long position) throws TransferFailure {
    ByteBuffer data = ByteBuffer.wrap(buf, offset, length);
    long at = position;
    try {
      while (data.hasRemaining()) {
        at += channel.write(data, at);
      }
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /** Reads back the bytes of {@code span} (the page cache still holds what was just written). */
  ByteBuffer read(Span span) throws TransferFailure {
    ByteBuffer content = ByteBuffer.allocate((int) span.length());
    try {
      while (content.hasRemaining()) {
        if (channel.read(content, span.start() + content.position()) < 0) {
          break;
        }
      }
    } catch (IOException e) {
      throw localFailure(e, target);
    }
    return content;
  }

  /** Cuts the file at {@code size}. */
  void truncate(long size) throws TransferFailure {
    try {
      channel.truncate(size);
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /** Makes the file exactly {@code size} bytes long. */
  void setSize(long size) throws TransferFailure {
    try {
      if (channel.size() != size) {
        channel.truncate(size);
        if (channel.size() < size) {
          // Nothing wanted was written up to the end (an empty layout, or in-place ranges that
          // stop short of it): the unwritten last byte is a hole, so writing a zero is exact.
          channel.write(ByteBuffer.allocate(1), size - 1);
        }
      }
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /** Flushes the file's data (and its metadata with {@code metadata}) through its channel. */
  void flush(boolean metadata) throws TransferFailure {
    try {
      channel.force(metadata);
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /**
   * Flushes the file's data from another thread, through a channel of its own, so that a file that
   * ends meanwhile closes without waiting for the flush. Not on another user's behalf: opening a
   * path that user controls could block (a FIFO put in the file's place), so the transfer's channel
   * serves.
   */
  void flushAside() throws TransferFailure {
    if (owner != null) {
      flush(false);
      return;
    }
    try (FileChannel own =
        FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      own.force(false);
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /** Whether {@link #flushAside} uses a channel of its own, which need not be waited for. */
  boolean flushesAside() {
    return owner == null;
  }

  /** Gives the file the remote modification time; the content is what matters, so best effort. */
  void setModificationTime(Instant time) {
    try {
      Files.setLastModifiedTime(target, FileTime.from(time));
    } catch (IOException ignored) {
      // The timestamp is a courtesy.
    }
  }

  @Override
  public void close() throws TransferFailure {
    try {
      channel.close();
    } catch (IOException e) {
      throw localFailure(e, target);
    }
  }

  /** Maps a local file-system failure to its documented code and class. */
  static TransferFailure localFailure(IOException e, Path path) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof ClosedByInterruptException) {
      return retry(HResult.ERROR_WRITE_FAULT, "writing " + path + " was interrupted", e);
    }
    if (message.contains("No space left") || message.contains("Disk quota exceeded")) {
      return retry(HResult.ERROR_DISK_FULL, "no space left to write " + path, e);
    }
    if (e instanceof AccessDeniedException) {
      return fatal(HResult.E_ACCESSDENIED, "cannot write " + path + ": access denied");
    }
    if (e instanceof NoSuchFileException) {
      return fatal(HResult.ERROR_PATH_NOT_FOUND, "the directory of " + path + " no longer exists");
    }
    if (message.contains("symbolic link") || Files.isSymbolicLink(path)) {
      return fatal(
          HResult.E_ACCESSDENIED, path + " is a symbolic link; Ferry does not write through links");
    }
    return retry(HResult.ERROR_WRITE_FAULT, "writing " + path + ": " + message, e);
  }

  private static TransferFailure retry(HResult code, String message, IOException cause) {
    return TransferFailure.transientFailure(code, ErrorContext.LOCAL_FILE, null, message, cause);
  }

  private static TransferFailure fatal(HResult code, String message) {
    return TransferFailure.fatal(code, ErrorContext.LOCAL_FILE, null, message);
  }
}
