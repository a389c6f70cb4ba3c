package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.client.FerryClient;
import dev.ferry.daemon.FerryDaemon;
import java.nio.file.Path;
import java.util.Optional;

/** Finding, reaching and running ferryd: the one place the command line meets those modules. */
final class Daemon {
  private Daemon() {}

  static Path defaultSocket() {
    return FerryClient.defaultSocket();
  }

  static boolean answers(Path socket) {
    return FerryClient.isRunning(socket);
  }

  static Optional<BackgroundCopyManager> connectIfRunning(Path socket) {
    return FerryClient.connectIfRunning(socket);
  }

  /**
   * Runs ferryd in this process until SIGTERM or Ctrl+C; its exit code (0 after a clean stop, 1
   * when it cannot start, 2 for a usage error).
   */
  static int run(String[] args) {
    return FerryDaemon.run(args, System.out, System.err);
  }
}
