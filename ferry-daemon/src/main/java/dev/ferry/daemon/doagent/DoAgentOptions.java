package dev.ferry.daemon.doagent;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the DO agent listener runs.
 *
 * @param runDir where {@code restport.<pid>} is written
 * @param user the user every download created through the agent belongs to; empty for the daemon's
 *     own user
 * @param bindAddress the address to listen on; 127.0.0.1 unless a test needs another
 * @param allowRemote whether peers that are not loopback addresses are served (the agent's {@code
 *     RestControllerValidateRemoteAddr=false})
 * @param firstPort the first port tried
 * @param lastPort the last port tried
 */
public record DoAgentOptions(
    Path runDir,
    Optional<String> user,
    InetAddress bindAddress,
    boolean allowRemote,
    int firstPort,
    int lastPort) {

  /** The agent's own run directory, used when the daemon runs as root. */
  public static final Path SYSTEM_RUN_DIR = Path.of("/var/run/deliveryoptimization-agent");

  public static final int FIRST_PORT = 50000;
  public static final int LAST_PORT = 60999;

  public DoAgentOptions {
    runDir = runDir.toAbsolutePath().normalize();
    Objects.requireNonNull(user);
    Objects.requireNonNull(bindAddress);
    if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
      throw new IllegalArgumentException("bad port range " + firstPort + ".." + lastPort);
    }
  }

  /** Loopback, the agent's port range, the daemon's own user. */
  public static DoAgentOptions of(Path runDir) {
    return new DoAgentOptions(
        runDir, Optional.empty(), InetAddress.getLoopbackAddress(), false, FIRST_PORT, LAST_PORT);
  }

  /**
   * {@code /var/run/deliveryoptimization-agent} for root, where the SDK looks; else {@code
   * $XDG_RUNTIME_DIR/ferry/do-agent} (or {@code /run/user/<uid>/ferry/do-agent}).
   */
  public static Path defaultRunDir(boolean root, long uid) {
    if (root) {
      return SYSTEM_RUN_DIR;
    }
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    Path base =
        runtime != null && !runtime.isBlank()
            ? Path.of(runtime)
            : Path.of("/run/user", Long.toString(uid));
    return base.resolve("ferry").resolve("do-agent");
  }

  public DoAgentOptions withUser(String name) {
    return new DoAgentOptions(
        runDir, Optional.ofNullable(name), bindAddress, allowRemote, firstPort, lastPort);
  }

  public DoAgentOptions withBinding(InetAddress address, boolean remote) {
    return new DoAgentOptions(runDir, user, address, remote, firstPort, lastPort);
  }

  public DoAgentOptions withPorts(int first, int last) {
    return new DoAgentOptions(runDir, user, bindAddress, allowRemote, first, last);
  }
}
