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
 * @param allowRemote whether peers that are not loopback addresses are served whatever the
 *     configuration says (the agent's {@code RestControllerValidateRemoteAddr=false} in {@code
 *     admin-config.json} does the same)
 * @param firstPort the first port tried
 * @param lastPort the last port tried
 * @param configDir where {@code admin-config.json} and {@code sdk-config.json} are read ({@link
 *     AgentConfig})
 * @param maxConnections how many connections may be open at once; past that the one idle longest is
 *     closed (the SDK reconnects by itself)
 * @param requestTimeout how long a request may take to arrive once its first byte has: a connection
 *     that stalls within a request is closed, so stalled requests cannot hold every place of {@code
 *     maxConnections}
 */
public record DoAgentOptions(
    Path runDir,
    Optional<String> user,
    InetAddress bindAddress,
    boolean allowRemote,
    int firstPort,
    int lastPort,
    Path configDir,
    int maxConnections,
    java.time.Duration requestTimeout) {

  /** The agent's own run directory, used when the daemon runs as root. */
  public static final Path SYSTEM_RUN_DIR = Path.of("/var/run/deliveryoptimization-agent");

  /** The agent's configuration directory, where its package puts it and the SDK writes. */
  public static final Path CONFIG_DIR = Path.of("/etc/deliveryoptimization-agent");

  public static final int FIRST_PORT = 50000;
  public static final int LAST_PORT = 60999;

  /**
   * Open connections before the longest idle is closed. The agent never closes an idle connection,
   * and neither does ferryd below this many: each costs a descriptor, and a local program opening
   * connections without end must not take every descriptor the engine needs.
   */
  public static final int MAX_CONNECTIONS = 512;

  /** A local client sends a whole request at once; this is room for a machine under load. */
  public static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofSeconds(30);

  public DoAgentOptions {
    runDir = runDir.toAbsolutePath().normalize();
    configDir = configDir.toAbsolutePath().normalize();
    Objects.requireNonNull(user);
    Objects.requireNonNull(bindAddress);
    if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
      throw new IllegalArgumentException("bad port range " + firstPort + ".." + lastPort);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
  }

  /** Loopback, the agent's port range and configuration directory, the daemon's own user. */
  public static DoAgentOptions of(Path runDir) {
    return new DoAgentOptions(
        runDir,
        Optional.empty(),
        InetAddress.getLoopbackAddress(),
        false,
        FIRST_PORT,
        LAST_PORT,
        CONFIG_DIR,
        MAX_CONNECTIONS,
        REQUEST_TIMEOUT);
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
        runDir,
        Optional.ofNullable(name),
        bindAddress,
        allowRemote,
        firstPort,
        lastPort,
        configDir,
        maxConnections,
        requestTimeout);
  }

  public DoAgentOptions withBinding(InetAddress address, boolean remote) {
    return new DoAgentOptions(
        runDir,
        user,
        address,
        remote,
        firstPort,
        lastPort,
        configDir,
        maxConnections,
        requestTimeout);
  }

  public DoAgentOptions withPorts(int first, int last) {
    return new DoAgentOptions(
        runDir,
        user,
        bindAddress,
        allowRemote,
        first,
        last,
        configDir,
        maxConnections,
        requestTimeout);
  }

  public DoAgentOptions withConfigDir(Path dir) {
    return new DoAgentOptions(
        runDir,
        user,
        bindAddress,
        allowRemote,
        firstPort,
        lastPort,
        dir,
        maxConnections,
        requestTimeout);
  }

  public DoAgentOptions withMaxConnections(int max) {
    return new DoAgentOptions(
        runDir,
        user,
        bindAddress,
        allowRemote,
        firstPort,
        lastPort,
        configDir,
        max,
        requestTimeout);
  }

  public DoAgentOptions withRequestTimeout(java.time.Duration timeout) {
    return new DoAgentOptions(
        runDir,
        user,
        bindAddress,
        allowRemote,
        firstPort,
        lastPort,
        configDir,
        maxConnections,
        timeout);
  }
}
