package dev.ferry.client;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.client.transport.Transport;
import dev.ferry.rest.Caller;
import dev.ferry.rest.LogLevelView;
import dev.ferry.rest.Routes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The entry point of the client: a {@link BackgroundCopyManager} that talks to a running ferryd, so
 * jobs go on after this process exits.
 *
 * <pre>{@code
 * try (BackgroundCopyManager bits = FerryClient.connect(FerryClient.defaultSocket())) {
 *   BackgroundCopyJob job = bits.createJob("nightly");
 *   job.addFile("https://example.org/a.iso", "/data/a.iso");
 *   job.resume();
 * }
 * }</pre>
 */
public final class FerryClient {
  private static final Path SYSTEM_SOCKET = Path.of("/run/ferry/ferryd.sock");

  private FerryClient() {}

  /**
   * Connects to the daemon listening on {@code socket}. Closing the manager closes the connection
   * and drops this process's callbacks; it does not stop the daemon or the jobs.
   *
   * @throws FerryException DO_E_NO_SERVICE when no daemon answers on {@code socket}
   */
  public static BackgroundCopyManager connect(Path socket) {
    Transport transport = new Transport(socket);
    try {
      Caller caller = transport.get(Routes.WHOAMI, Caller.class);
      return new RemoteManager(transport, new JobOwner(caller.uid(), caller.name()));
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /**
   * Connects to the daemon on {@code socket} if one answers there; empty when none does (no socket,
   * or nothing listening on it). One request, where {@link #isRunning} and then {@link #connect}
   * made two.
   */
  public static Optional<BackgroundCopyManager> connectIfRunning(Path socket) {
    if (!Files.exists(socket)) {
      return Optional.empty();
    }
    try {
      return Optional.of(connect(socket));
    } catch (FerryException e) {
      if (e.is(HResult.DO_E_NO_SERVICE)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Where the daemon listens by default: the per-user socket ({@code
   * $XDG_RUNTIME_DIR/ferry/ferryd.sock}, else {@code /run/user/<uid>/ferry/ferryd.sock}), or the
   * system daemon's {@code /run/ferry/ferryd.sock} when only that one exists.
   */
  public static Path defaultSocket() {
    Path perUser = perUserSocket();
    if (!Files.exists(perUser) && Files.exists(SYSTEM_SOCKET)) {
      return SYSTEM_SOCKET;
    }
    return perUser;
  }

  /** The daemon's bandwidth policy. */
  public static dev.ferry.rest.PolicyView policy(Path socket) {
    try (Transport transport = new Transport(socket)) {
      return transport.get(Routes.POLICY, dev.ferry.rest.PolicyView.class);
    }
  }

  /**
   * Replaces the daemon's bandwidth policy, at once for running transfers too.
   *
   * @throws FerryException E_ACCESSDENIED unless the caller is the administrator or the daemon's
   *     own user
   */
  public static dev.ferry.rest.PolicyView setPolicy(Path socket, dev.ferry.rest.PolicyView policy) {
    try (Transport transport = new Transport(socket)) {
      return transport.send("PUT", Routes.POLICY, policy, dev.ferry.rest.PolicyView.class);
    }
  }

  /**
   * Offers a local file of the caller's to peers through the daemon, by {@code torrent} (base64)
   * or, when null, by the canonical torrent of its content at {@code pieceSize} (0: 1 MiB).
   *
   * @throws FerryException E_NOTIMPL when the daemon takes part in no swarm, E_ACCESSDENIED for a
   *     file that is not the caller's, E_INVALIDARG for a torrent that does not describe it
   */
  public static dev.ferry.rest.SeedView seed(
      Path socket, Path file, String torrent, int pieceSize) {
    try (Transport transport = new Transport(socket)) {
      return transport.send(
          "POST",
          Routes.SEEDS,
          new dev.ferry.rest.SeedRequest(file.toString(), torrent, pieceSize),
          dev.ferry.rest.SeedView.class);
    }
  }

  /** The daemon's bytes by source over time, and this month's uploads to peers with their cap. */
  public static dev.ferry.rest.UsageView usage(Path socket) {
    try (Transport transport = new Transport(socket)) {
      return transport.get(Routes.USAGE, dev.ferry.rest.UsageView.class);
    }
  }

  /** What the caller offers to peers through the daemon. */
  public static List<dev.ferry.rest.SeedView> seeds(Path socket) {
    try (Transport transport = new Transport(socket)) {
      return transport.get(
          Routes.SEEDS,
          transport
              .json()
              .getTypeFactory()
              .constructCollectionType(List.class, dev.ferry.rest.SeedView.class));
    }
  }

  /**
   * Stops offering the content of {@code infoHash} (64 hex digits).
   *
   * @throws FerryException BG_E_NOT_FOUND when the caller offers no such content
   */
  public static void unseed(Path socket, String infoHash) {
    try (Transport transport = new Transport(socket)) {
      transport.send("DELETE", Routes.seed(infoHash), null, (Class<?>) null);
    }
  }

  /** The content the daemon keeps for peers: the caller's entries (all for the administrator). */
  public static List<dev.ferry.rest.CacheView> cache(Path socket) {
    try (Transport transport = new Transport(socket)) {
      return transport.get(
          Routes.CACHE,
          transport
              .json()
              .getTypeFactory()
              .constructCollectionType(List.class, dev.ferry.rest.CacheView.class));
    }
  }

  /**
   * Pins or unpins the cache entry of {@code infoHash} (64 hex digits).
   *
   * @throws FerryException BG_E_NOT_FOUND when the caller has no such entry
   */
  public static void pinCached(Path socket, String infoHash, boolean pinned) {
    try (Transport transport = new Transport(socket)) {
      transport.send(
          "PUT",
          Routes.cacheEntry(infoHash),
          new dev.ferry.rest.CachePinRequest(pinned),
          (Class<?>) null);
    }
  }

  /**
   * Drops the cache entry of {@code infoHash} (64 hex digits).
   *
   * @throws FerryException BG_E_NOT_FOUND when the caller has no such entry
   */
  public static void deleteCached(Path socket, String infoHash) {
    try (Transport transport = new Transport(socket)) {
      transport.send("DELETE", Routes.cacheEntry(infoHash), null, (Class<?>) null);
    }
  }

  /**
   * Where the daemon's dashboard is, with the token that opens it.
   *
   * @throws FerryException E_ACCESSDENIED unless the caller is the daemon's own user or the
   *     administrator
   */
  public static dev.ferry.rest.DashboardView dashboard(Path socket) {
    try (Transport transport = new Transport(socket)) {
      return transport.get(Routes.DASHBOARD, dev.ferry.rest.DashboardView.class);
    }
  }

  /** The daemon's loggers that have a level of their own, the root logger first. */
  public static List<LogLevelView> logLevels(Path socket) {
    try (Transport transport = new Transport(socket)) {
      return transport.get(
          Routes.LOG_LEVELS,
          transport
              .json()
              .getTypeFactory()
              .constructCollectionType(List.class, LogLevelView.class));
    }
  }

  /** One of the daemon's loggers ({@code ROOT}: the root logger). */
  public static LogLevelView logLevel(Path socket, String logger) {
    try (Transport transport = new Transport(socket)) {
      return transport.get(Routes.logLevel(logger), LogLevelView.class);
    }
  }

  /**
   * Changes the level of one of the daemon's loggers until it stops; a null {@code level} makes the
   * logger inherit its parent's.
   *
   * @throws FerryException E_ACCESSDENIED unless the caller is the administrator or the daemon's
   *     own user; E_INVALIDARG for a name or level that is none
   */
  public static LogLevelView setLogLevel(Path socket, String logger, String level) {
    try (Transport transport = new Transport(socket)) {
      return transport.send(
          "PUT", Routes.logLevel(logger), LogLevelView.of(level), LogLevelView.class);
    }
  }

  /** Whether a daemon answers on {@code socket} (a GET of {@link Routes#WHOAMI} succeeds). */
  public static boolean isRunning(Path socket) {
    try {
      Optional<BackgroundCopyManager> daemon = connectIfRunning(socket);
      daemon.ifPresent(BackgroundCopyManager::close);
      return daemon.isPresent();
    } catch (FerryException e) {
      return false;
    }
  }

  private static Path perUserSocket() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank()) {
      return Path.of(runtime, "ferry", "ferryd.sock");
    }
    return Path.of("/run/user", Long.toString(currentUid()), "ferry", "ferryd.sock");
  }

  private static long currentUid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (Exception notLinux) {
      return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
    }
  }
}
