package dev.ferry.daemon.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.Ferry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uid behind a loopback TCP connection, from the kernel's socket tables. */
class LoopbackPeersTest {
  @Test
  void readsTheClientsEntryOfBothTables(@TempDir Path dir) throws IOException {
    Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
    Path tcp = dir.resolve("tcp");
    Path tcp6 = dir.resolve("tcp6");
    // 127.0.0.1:50000 listening and its server end (uid 0), the client 127.0.0.1:40000 (uid 1001).
    Files.writeString(
        tcp,
        """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:C350 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
           1: 0100007F:C350 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2 1
           2: 0100007F:9C40 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1001        0 3 1
        """,
        StandardCharsets.US_ASCII);
    // [::1]:40001 to [::1]:50000, uid 1002.
    Files.writeString(
        tcp6,
        """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000001000000:9C41 00000000000000000000000001000000:C350 01 00000000:00000000 00:00000000 00000000  1002        0 4 1
        """,
        StandardCharsets.US_ASCII);
    List<Path> tables = List.of(tcp, tcp6);
    InetAddress v4 = InetAddress.getByName("127.0.0.1");
    InetAddress v6 = InetAddress.getByName("::1");
    assertThat(
            LoopbackPeers.uidOf(
                new InetSocketAddress(v4, 40000), new InetSocketAddress(v4, 50000), tables))
        .hasValue(1001);
    assertThat(
            LoopbackPeers.uidOf(
                new InetSocketAddress(v6, 40001), new InetSocketAddress(v6, 50000), tables))
        .hasValue(1002);
    assertThat(
            LoopbackPeers.uidOf(
                new InetSocketAddress(v4, 40002), new InetSocketAddress(v4, 50000), tables))
        .as("no such connection")
        .isEmpty();
    assertThat(LoopbackPeers.decode("0100007F")).isEqualTo(v4);
  }

  @Test
  void namesThisProcessesOwnConnection() throws IOException {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "skipped: not Linux");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      assertThat(LoopbackPeers.uidOf(accepted)).hasValue(Ferry.currentUser().uid());
      assertThat(client.isConnected()).isTrue();
    }
  }

  @Test
  void namesAnotherUsersConnection() throws Exception {
    Assumptions.assumeTrue(Ferry.currentUser().isAdministrator(), "skipped: needs root");
    Process id = new ProcessBuilder("id", "-u", "nobody").start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    Assumptions.assumeTrue(id.waitFor() == 0, "skipped: no user nobody");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Process client =
          new ProcessBuilder(
                  "runuser",
                  "-u",
                  "nobody",
                  "--",
                  "bash",
                  "-c",
                  "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && read -t 30 -u 3 x")
              .start();
      try (Socket accepted = server.accept()) {
        OptionalLong found = LoopbackPeers.uidOf(accepted);
        assertThat(found).hasValue(Long.parseLong(uid));
      } finally {
        client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
