package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The manager one command talks to: ferryd when one answers on the socket, else the embedded
 * engine, which a command that runs for a while shares with the others ({@link EmbeddedHost}); a
 * command that finds the engine held by such a command becomes its client. Closing it closes the
 * client connection or, for the embedded engine, stops its transfers (checkpointed; they go on at
 * the next open).
 */
final class Session implements AutoCloseable {
  /** How long a command waits for an engine held by a command that does not share it. */
  private static final Duration WAIT_FOR_ENGINE = Duration.ofSeconds(10);

  private final Path socket;
  private final Path dataDir;
  private final boolean noDaemon;
  private final boolean share;
  private final UnaryOperator<EngineConfig> wiring;
  private BackgroundCopyManager manager;
  private EmbeddedHost host;
  private Choice choice;
  private boolean closed;

  private Session(
      Path socket,
      Path dataDir,
      boolean noDaemon,
      boolean share,
      UnaryOperator<EngineConfig> wiring) {
    this.socket = socket;
    this.dataDir = dataDir;
    this.noDaemon = noDaemon;
    this.share = share;
    this.wiring = wiring;
  }

  /**
   * Which manager the options select.
   *
   * @param socket where ferryd was looked for (null when it was not: --no-daemon, or --data-dir
   *     alone), or where the command holding the embedded engine shares it
   * @param daemon whether ferryd (or a command sharing the engine) answered there
   * @param dataDir the embedded engine's data directory
   * @param shared whether {@code socket} is a ferry command sharing the embedded engine, not ferryd
   */
  record Choice(Path socket, boolean daemon, Path dataDir, boolean shared) {
    Choice(Path socket, boolean daemon, Path dataDir) {
      this(socket, daemon, dataDir, false);
    }

    /** How the choice reads in messages. */
    String describe() {
      if (shared) {
        return "the embedded engine in "
            + dataDir
            + ", shared by another ferry command on "
            + socket;
      }
      return daemon ? "ferryd at " + socket : "the embedded engine in " + dataDir;
    }
  }

  /**
   * The rules: {@code --no-daemon} means the embedded engine; so does {@code --data-dir} without
   * {@code --socket}, since a data directory belongs to the embedded engine (ferryd has its own).
   * Otherwise ferryd when it answers on the socket (given or default), else the embedded engine.
   */
  static Choice choose(Path socket, Path dataDir, boolean noDaemon) {
    Choice embedded = embeddedUnlessLookingForTheDaemon(dataDir, socket, noDaemon);
    if (embedded.socket() == null) {
      return embedded;
    }
    return new Choice(embedded.socket(), Daemon.answers(embedded.socket()), embedded.dataDir());
  }

  /**
   * Opens what {@link #choose} would choose, asking the daemon once instead of twice.
   *
   * @param share whether this command shares the embedded engine while it holds it (the verbs that
   *     run for a while)
   */
  static Session open(Path socket, Path dataDir, boolean noDaemon, boolean share) {
    return open(socket, dataDir, noDaemon, share, UnaryOperator.identity());
  }

  /**
   * The same, with {@code wiring} adding to the embedded engine's configuration what the command
   * needs of it (peers, for a download that asks them); ferryd has its own.
   */
  static Session open(
      Path socket,
      Path dataDir,
      boolean noDaemon,
      boolean share,
      UnaryOperator<EngineConfig> wiring) {
    Session session = new Session(socket, dataDir, noDaemon, share, wiring);
    session.connect();
    return session;
  }

  private void connect() {
    Choice choice = embeddedUnlessLookingForTheDaemon(dataDir, socket, noDaemon);
    if (choice.socket() != null) {
      Optional<BackgroundCopyManager> daemon = Daemon.connectIfRunning(choice.socket());
      if (daemon.isPresent()) {
        this.manager = daemon.get();
        this.choice = new Choice(choice.socket(), true, choice.dataDir());
        return;
      }
    }
    Path shared = EmbeddedHost.socketFor(choice.dataDir());
    long deadline = System.nanoTime() + WAIT_FOR_ENGINE.toNanos();
    while (true) {
      try {
        if (share) {
          host = EmbeddedHost.open(choice.dataDir(), shared, wiring);
          manager = host.manager();
        } else {
          manager = Ferry.embedded(choice.dataDir(), wiring.apply(EngineConfig.defaults()));
        }
        this.choice = choice;
        return;
      } catch (FerryException e) {
        if (!e.is(HResult.E_ACCESSDENIED) || !e.getMessage().contains("in use")) {
          throw e;
        }
      }
      Optional<BackgroundCopyManager> holder = Daemon.connectIfRunning(shared);
      if (holder.isPresent()) {
        this.manager = holder.get();
        this.choice = new Choice(shared, true, choice.dataDir(), true);
        return;
      }
      // Held by a command that does not share it (list, info…: it ends soon), or by one that
      // has not started sharing yet.
      if (System.nanoTime() - deadline > 0) {
        throw new FerryException(
            HResult.E_ACCESSDENIED,
            "the data directory "
                + choice.dataDir()
                + " is in use by another ferry command that does not share it; try again when it"
                + " ends, or run 'ferry daemon' so that every command shares one engine");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FerryException(HResult.E_ACCESSDENIED, "interrupted waiting for the engine");
      }
    }
  }

  /**
   * The embedded engine's choice, with the socket to look for ferryd on unless the rules say not.
   */
  private static Choice embeddedUnlessLookingForTheDaemon(
      Path dataDir, Path socket, boolean noDaemon) {
    Path data = (dataDir != null ? dataDir : Ferry.defaultDataDir()).toAbsolutePath().normalize();
    if (noDaemon || (dataDir != null && socket == null)) {
      return new Choice(null, false, data);
    }
    Path where = socket != null ? socket.toAbsolutePath().normalize() : Daemon.defaultSocket();
    return new Choice(where, false, data);
  }

  BackgroundCopyManager manager() {
    return manager;
  }

  Choice choice() {
    return choice;
  }

  /**
   * After the command sharing the embedded engine has ended: opens the engine (or the next
   * command's share of it) in its place. False when this session is not such a client: ferryd going
   * away is not mended by opening its engine here.
   */
  synchronized boolean reopen() {
    if (closed || !choice.shared()) {
      return false;
    }
    try {
      manager.close();
    } catch (RuntimeException alreadyGone) {
      // The connection is gone with the command that served it.
    }
    connect();
    return true;
  }

  /** The job named by {@code reference}: its id, or its display name among the caller's jobs. */
  BackgroundCopyJob job(String reference) {
    return JobReference.resolve(manager, reference);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (host != null) {
        host.close();
      } else {
        manager.close();
      }
    }
  }
}
