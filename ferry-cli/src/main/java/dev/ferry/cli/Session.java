package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.engine.Ferry;
import java.nio.file.Path;

/**
 * The manager one command talks to: ferryd when one answers on the socket, the embedded engine
 * otherwise. Closing it closes the client connection or, for the embedded engine, stops its
 * transfers (checkpointed; they go on at the next open).
 */
final class Session implements AutoCloseable {
  private final BackgroundCopyManager manager;
  private final Choice choice;
  private boolean closed;

  private Session(BackgroundCopyManager manager, Choice choice) {
    this.manager = manager;
    this.choice = choice;
  }

  /**
   * Which manager the options select.
   *
   * @param socket where ferryd was looked for (null when it was not: --no-daemon, or --data-dir
   *     alone)
   * @param daemon whether ferryd answered there
   * @param dataDir the embedded engine's data directory (used when {@code daemon} is false)
   */
  record Choice(Path socket, boolean daemon, Path dataDir) {
    /** How the choice reads in messages: "ferryd at PATH" or "the embedded engine in DIR". */
    String describe() {
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

  /** Opens what {@link #choose} would choose, asking the daemon once instead of twice. */
  static Session open(Path socket, Path dataDir, boolean noDaemon) {
    Choice choice = embeddedUnlessLookingForTheDaemon(dataDir, socket, noDaemon);
    if (choice.socket() != null) {
      var daemon = Daemon.connectIfRunning(choice.socket());
      if (daemon.isPresent()) {
        return new Session(daemon.get(), new Choice(choice.socket(), true, choice.dataDir()));
      }
    }
    return new Session(Ferry.embedded(choice.dataDir()), choice);
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

  /** The job named by {@code reference}: its id, or its display name among the caller's jobs. */
  BackgroundCopyJob job(String reference) {
    return JobReference.resolve(manager, reference);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}
