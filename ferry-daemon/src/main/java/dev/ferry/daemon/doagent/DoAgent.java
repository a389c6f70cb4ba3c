package dev.ferry.daemon.doagent;

import dev.ferry.api.delivery.DeliveryManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running drop-in for Microsoft's deliveryoptimization-agent: the listener on the first free port
 * of 50000–60999 and the {@code restport.<pid>} file that tells the SDK where it is. Every request
 * acts through one {@link DeliveryManager}, that of the agent's owner.
 */
public final class DoAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DoAgent.class);

  private final AgentHttpServer server;
  private final PortFile portFile;
  private final AgentConfig config;

  private DoAgent(AgentHttpServer server, PortFile portFile, AgentConfig config) {
    this.server = server;
    this.portFile = portFile;
    this.config = config;
  }

  /**
   * Reads the agent's configuration ({@link AgentConfig}), starts listening and writes the port
   * file.
   *
   * @param sharedPortFile whether users other than the daemon's must read the port file (a root
   *     daemon: the SDK runs as other users)
   * @param access checks the destinations requests name, for the owner
   * @param callers which local users are served
   * @throws UncheckedIOException when no port is free or the port file cannot be written
   */
  public static DoAgent start(
      DeliveryManager manager,
      DoAgentOptions options,
      boolean sharedPortFile,
      AgentAccess access,
      AgentCallers callers) {
    AgentConfig config = AgentConfig.load(options.configDir());
    AgentHttpServer server;
    try {
      server =
          AgentHttpServer.start(
              options.bindAddress(),
              options.firstPort(),
              options.lastPort(),
              () -> options.allowRemote() || !config.current().validateRemoteAddr(),
              callers,
              options.maxConnections(),
              options.requestTimeout(),
              new AgentApi(manager, access));
    } catch (IOException e) {
      throw new UncheckedIOException("the DO agent cannot listen: " + e.getMessage(), e);
    }
    try {
      PortFile portFile = PortFile.write(options.runDir(), server.port(), sharedPortFile);
      log.info(
          "DO agent listening on {}:{} (port file {})",
          server.address().getHostAddress(),
          server.port(),
          portFile.path());
      return new DoAgent(server, portFile, config);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw new UncheckedIOException(
          "cannot write the DO agent port file in " + options.runDir() + ": " + e,
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  public int port() {
    return server.port();
  }

  public Path portFile() {
    return portFile.path();
  }

  /** The agent's configuration files as last read. */
  public AgentConfig config() {
    return config;
  }

  /** Removes the port file, then stops listening and ends open connections. */
  @Override
  public void close() {
    portFile.close();
    server.close();
  }
}
