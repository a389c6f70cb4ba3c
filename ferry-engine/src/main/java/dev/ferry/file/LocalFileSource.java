package dev.ferry.file;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.spi.RangeNotSatisfiable;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Copies from {@code file://} URLs, with the same ranges and change detection as HTTP. */
public final class LocalFileSource implements Source {
  @Override
  public SourceKind kind() {
    return SourceKind.LOCAL_FILE;
  }

  @Override
  public String protocol() {
    return "file";
  }

  @Override
  public boolean isOriginFor(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme());
  }

  /** A local file gains nothing from several readers: the disk, not a connection, is the limit. */
  @Override
  public int connectionLimit() {
    return 1;
  }

  @Override
  public TransferFailure classify(IOException e, String doing) {
    return TransferFailure.transientFailure(
        HResult.ERROR_READ_FAULT,
        ErrorContext.REMOTE_FILE,
        "file",
        doing + ": " + e.getMessage(),
        e);
  }

  @Override
  public SourceResponse open(SourceRequest request) throws TransferFailure {
    Path path;
    try {
      path = Path.of(request.uri());
    } catch (IllegalArgumentException e) {
      throw TransferFailure.fatal(
          HResult.ERROR_INTERNET_INVALID_URL, ErrorContext.REMOTE_FILE, "file", e.getMessage());
    }
    try {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        channel.close();
        throw TransferFailure.fatal(
            HResult.ERROR_FILE_NOT_FOUND,
            ErrorContext.REMOTE_FILE,
            "file",
            path + " is not a regular file");
      }
      long size = attributes.size();
      String version = size + "-" + attributes.lastModifiedTime().toMillis();
      Validators validators =
          new Validators(size, "\"" + version + "\"", attributes.lastModifiedTime().toString());
      // Files allow random access, so the range asked is always honoured; when the file changed,
      // the caller sees new validators and starts the piece map over.
      long start = request.start();
      if (start >= size && size > 0 && request.wantsRange()) {
        channel.close();
        throw new RangeNotSatisfiable(
            size, "file", "the range starts past the end of the " + size + "-byte file " + path);
      }
      long end = request.end() >= 0 ? Math.min(request.end(), size) : size;
      long length = Math.max(0, end - start);
      channel.position(start);
      return SourceResponse.of(start, length, validators, bounded(channel, length));
    } catch (NoSuchFileException e) {
      throw TransferFailure.fatal(
          HResult.ERROR_FILE_NOT_FOUND, ErrorContext.REMOTE_FILE, "file", path + " does not exist");
    } catch (AccessDeniedException e) {
      throw TransferFailure.fatal(
          HResult.E_ACCESSDENIED, ErrorContext.REMOTE_FILE, "file", "cannot read " + path);
    } catch (IOException e) {
      throw TransferFailure.transientFailure(
          HResult.ERROR_READ_FAULT,
          ErrorContext.REMOTE_FILE,
          "file",
          "reading " + path + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The next {@code length} bytes of {@code channel}; closing the stream closes the channel, which
   * also ends a read in progress.
   */
  private static InputStream bounded(FileChannel channel, long length) {
    InputStream all = Channels.newInputStream(channel);
    return new InputStream() {
      private long left = length;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = all.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        all.close();
      }
    };
  }
}
