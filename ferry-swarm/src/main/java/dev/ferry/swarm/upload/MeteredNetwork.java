package dev.ferry.swarm.upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether the machine's connection is metered, as NetworkManager says (its {@code Metered}
 * property: 1 yes, 3 guessed yes), read with systemd's {@code busctl}. A machine without either
 * cannot tell, and counts as unmetered.
 */
@FunctionalInterface
public interface MeteredNetwork {
  /** Never metered. */
  MeteredNetwork NEVER = () -> false;

  boolean isMetered();

  /** NetworkManager's view, over D-Bus. */
  static MeteredNetwork networkManager() {
    return () -> {
      List<String> command =
          List.of(
              "busctl",
              "--system",
              "get-property",
              "org.freedesktop.NetworkManager",
              "/org/freedesktop/NetworkManager",
              "org.freedesktop.NetworkManager",
              "Metered");
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return false;
        }
        return process.exitValue() == 0 && parse(out);
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    };
  }

  /** busctl's answer, {@code u N}: metered for NM_METERED_YES (1) and NM_METERED_GUESS_YES (3). */
  static boolean parse(String busctl) {
    String[] fields = busctl.strip().split("\\s+");
    return fields.length == 2
        && fields[0].equals("u")
        && (fields[1].equals("1") || fields[1].equals("3"));
  }
}
