package dev.ferry.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT handling. The JVM's default exits with 143/130 after the shutdown hooks; a
 * daemon stopped on purpose should exit 0 after stopping cleanly, so these signals only ask the
 * main thread to stop.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * sun.misc.Signal (module jdk.unsupported) is the JDK's only way to handle a signal; javac warns
   * about it, and there is no annotation to silence that warning.
   */
  static void onTermination(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> {
              log.info("received SIG{}", name);
              stop.run();
            });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // The JVM reserves the signal (for example -Xrs); its default handling stays.
        log.debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
  }
}
