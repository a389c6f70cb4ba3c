package dev.ferry.daemon;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the socket's location safe to bind: its directory exists, belongs to the daemon's user and
 * cannot be written by anyone else (so nobody can swap the socket for their own), and a socket file
 * left by a crashed daemon is removed, but only when nothing answers on it.
 */
final class SocketPlace {
  private static final Logger log = LoggerFactory.getLogger(SocketPlace.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private SocketPlace() {}

  /**
   * @param directoryMode the mode of the directory when it has to be created: 0700 per user, 0755
   *     in system mode so that every user can reach the socket
   */
  static void prepare(Path socket, String directoryMode, long daemonUid) {
    Path dir = socket.getParent();
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // Set explicitly: the umask may have taken bits away from the creation mode.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(directoryMode));
      }
      checkDirectory(dir, daemonUid);
      removeStale(socket);
    } catch (IOException e) {
      throw new StartupException("cannot prepare the socket " + socket + ": " + e.getMessage(), e);
    }
  }

  private static void checkDirectory(Path dir, long daemonUid) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new StartupException("the socket directory " + dir + " is not a directory");
    }
    long owner =
        ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if (owner != daemonUid) {
      throw new StartupException(
          "refusing to use the socket directory "
              + dir
              + ": it belongs to uid "
              + owner
              + ", not to the daemon's uid "
              + daemonUid);
    }
    if ((mode & 0022) != 0) {
      throw new StartupException(
          "refusing to use the socket directory "
              + dir
              + ": other users may write to it (mode "
              + String.format("%04o", mode & 07777)
              + ")");
    }
  }

  private static void removeStale(Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new StartupException(socket + " exists and is not a socket; not touching it");
    }
    if (answers(socket)) {
      throw new StartupException(
          "another ferryd is already running on " + socket + " (stop it first)");
    }
    log.info("removing the stale socket {} left by a daemon that is gone", socket);
    Files.deleteIfExists(socket);
  }

  /** Whether something accepts connections on {@code socket}. */
  static boolean answers(Path socket) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (ConnectException refused) {
      return false;
    } catch (IOException e) {
      throw new StartupException("cannot check whether " + socket + " is live: " + e.getMessage());
    }
  }
}
