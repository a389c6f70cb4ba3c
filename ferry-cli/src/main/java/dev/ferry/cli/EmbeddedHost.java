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
 * <p>Serving starts on a thread of its own half a second after the engine is open, so a short
 * download neither waits for the HTTP server nor pays for starting one; a command that arrives
 * before it listens waits for the engine ({@link Session#open}).
 */
final class EmbeddedHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedHost.class);

  private final Engine engine;
  private final BackgroundCopyManager manager;
  private final Path socket;
  private final java.util.concurrent.CountDownLatch closing =
      new java.util.concurrent.CountDownLatch(1);
  private ApiServer server;

  private EmbeddedHost(Engine engine, Path socket) {
    this.engine = engine;
    this.manager = engine.manager(Ferry.currentUser());
    this.socket = socket;
    Thread.ofPlatform().daemon().name("ferry-share").start(this::serve);
  }

  /** Opens the engine of {@code dataDir} and starts sharing it on {@code socket}. */
  static EmbeddedHost open(Path dataDir, Path socket) {
    return new EmbeddedHost(Ferry.open(dataDir, EngineConfig.defaults()), socket);
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
      if (closing.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return;
      }
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
      JobOwner self = Ferry.currentUser();
      ApiServer started =
          ApiServer.start(
              engine,
              socket,
              PosixFilePermissions.fromString("rw-------"),
              OptionalInt.empty(),
              new CallerIdentity(new UserDirectory(self.name(), self.uid()), self, null));
      synchronized (this) {
        if (closing.getCount() == 0) {
          started.close();
          Files.deleteIfExists(socket);
          return;
        }
        server = started;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      // The command works without sharing; only other commands miss it.
      log.debug("cannot share the engine on {}", socket, e);
    }
  }

  /** Stops sharing (clients see the socket go), then closes the engine, checkpointing transfers. */
  @Override
  public void close() {
    ApiServer server;
    synchronized (this) {
      closing.countDown();
      server = this.server;
    }
    // A server still starting closes itself when it finds the latch down.
    if (server != null) {
      try {
        server.close();
      } catch (RuntimeException e) {
        log.debug("the shared engine's server did not stop cleanly", e);
      }
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        log.debug("cannot remove {}", socket, e);
      }
    }
    engine.close();
  }
}
