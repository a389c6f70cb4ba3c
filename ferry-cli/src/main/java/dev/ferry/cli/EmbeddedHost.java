package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobOwner;
import dev.ferry.daemon.api.ApiServer;
import dev.ferry.daemon.identity.CallerIdentity;
import dev.ferry.daemon.identity.UserDirectory;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine of a command that runs for a while ({@code get}, {@code transfer}, {@code
 * wait}, {@code monitor}), shared with the other ferry commands of its user. An engine's data
 * directory has one engine at a time; without sharing, a second {@code ferry get} or a {@code ferry
 * list} in another terminal failed while a get ran. So the command that holds the engine also
 * serves ferryd's local API on a socket of its own, and the other commands become its clients (as
 * they are ferryd's). When it ends, its clients open the engine themselves ({@link
 * Session#reopen}).
 *
 * <p>The HTTP server starts only when another command asks for it. Until then a plain socket
 * listens at its path, and the first connection to it is closed at once and replaced by the server:
 * the asking command finds nobody answering and tries again ({@link Session#open} waits for the
 * engine), by which time the server listens. So a download that nobody else asks about neither
 * waits for the server nor pays for starting it (bench/README.md has what it cost when every
 * download started one).
 */
final class EmbeddedHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedHost.class);
  private static final java.time.Duration SERVER_START = java.time.Duration.ofSeconds(10);

  private final Engine engine;
  private final BackgroundCopyManager manager;
  private final Path socket;
  private final Thread sharing;
  private boolean closing;
  private ServerSocketChannel doorbell;
  private ApiServer server;

  private EmbeddedHost(Engine engine, Path socket) {
    this.engine = engine;
    this.manager = engine.manager(Ferry.currentUser());
    this.socket = socket;
    this.sharing = Thread.ofPlatform().daemon().name("ferry-share").start(this::serve);
  }

  /** Opens the engine of {@code dataDir} and starts sharing it on {@code socket}. */
  static EmbeddedHost open(
      Path dataDir, Path socket, java.util.function.UnaryOperator<EngineConfig> wiring) {
    return new EmbeddedHost(Ferry.open(dataDir, wiring.apply(EngineConfig.defaults())), socket);
  }

  /**
   * Where the command holding the engine of {@code dataDir} shares it: beside ferryd's default
   * socket, named after the directory, so that each data directory has its own.
   */
  static Path socketFor(Path dataDir) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
      return Daemon.defaultSocket()
          .resolveSibling("engine-" + HexFormat.of().formatHex(digest, 0, 8) + ".sock");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  BackgroundCopyManager manager() {
    return manager;
  }

  private void serve() {
    try {
      Path dir = socket.getParent();
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      // Left by a command that was killed: nobody can answer there while this one holds the
      // engine, since whoever answers holds it.
      Files.deleteIfExists(socket);
      if (!awaitKnock()) {
        return;
      }
      JobOwner self = Ferry.currentUser();
      ApiServer started =
          ApiServer.start(
              engine,
              socket,
              PosixFilePermissions.fromString("rw-------"),
              OptionalInt.empty(),
              new CallerIdentity(new UserDirectory(self.name(), self.uid()), self, null));
      synchronized (this) {
        if (closing) {
          started.close();
          return;
        }
        server = started;
      }
    } catch (IOException | RuntimeException e) {
      // The command works without sharing; only other commands miss it.
      log.debug("cannot share the engine on {}", socket, e);
    }
  }

  /**
   * Listens on the socket until a command connects (true) or this host closes (false), then stops
   * listening so that the server can take the path.
   */
  private boolean awaitKnock() throws IOException {
    ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      // Bound under a name of its own and given its mode before it takes the socket's name, so
      // that nobody finds the socket with the mode the umask gave it, however briefly.
      Path fresh =
          socket.resolveSibling(socket.getFileName() + "." + ProcessHandle.current().pid());
      Files.deleteIfExists(fresh);
      listening.bind(UnixDomainSocketAddress.of(fresh));
      Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-------"));
      Files.move(fresh, socket, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      synchronized (this) {
        if (closing) {
          return false;
        }
        doorbell = listening;
      }
      listening.accept().close();
      return true;
    } catch (AsynchronousCloseException closedByHost) {
      return false;
    } finally {
      synchronized (this) {
        doorbell = null;
      }
      listening.close();
      Files.deleteIfExists(socket);
    }
  }

  /** Stops sharing (clients see the socket go), then closes the engine, checkpointing transfers. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      if (doorbell != null) {
        try {
          doorbell.close();
        } catch (IOException e) {
          log.debug("cannot stop listening on {}", socket, e);
        }
      }
    }
    // The socket's path is free for the next holder of the engine only once this one has left it:
    // a server still starting closes itself when it finds the host closing.
    try {
      sharing.join(SERVER_START.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ApiServer server;
    synchronized (this) {
      server = this.server;
    }
    if (server != null) {
      try {
        server.close();
      } catch (RuntimeException e) {
        log.debug("the shared engine's server did not stop cleanly", e);
      }
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.debug("cannot remove {}", socket, e);
    }
    engine.close();
  }
}
