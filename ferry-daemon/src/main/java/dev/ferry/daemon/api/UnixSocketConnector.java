package dev.ferry.daemon.api;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * A Unix socket connector that gives the socket file its mode as soon as it is bound: 0600 lets
 * only the daemon's user connect, 0666 every local user (system mode, where identity comes from the
 * peer credentials). Stopping the connector deletes the socket file.
 */
final class UnixSocketConnector extends UnixDomainServerConnector {
  private final Set<PosixFilePermission> permissions;

  UnixSocketConnector(
      Server server, Set<PosixFilePermission> permissions, ConnectionFactory... factories) {
    super(server, factories);
    this.permissions = Set.copyOf(permissions);
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    Files.setPosixFilePermissions(getUnixDomainPath(), permissions);
  }
}
