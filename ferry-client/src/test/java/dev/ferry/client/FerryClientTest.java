package dev.ferry.client;

import static dev.ferry.client.TestSupport.assertHResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.testkit.TestFiles;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a client sees without a daemon, and where it looks for one. */
class FerryClientTest {
  private Path dir;

  @BeforeEach
  void makeDir() {
    dir = TestFiles.shortTempDir("fd");
  }

  @AfterEach
  void removeDir() {
    TestFiles.deleteTree(dir);
  }

  @Test
  void withoutADaemonConnectFailsWithNoService() {
    Path socket = dir.resolve("none.sock");
    FerryException e = assertHResult(() -> FerryClient.connect(socket), HResult.DO_E_NO_SERVICE);
    assertThat(e.getMessage()).isEqualTo("ferryd is not running at " + socket);
    assertThat(FerryClient.isRunning(socket)).isFalse();
    assertThat(FerryClient.connectIfRunning(socket)).isEmpty();
  }

  @Test
  void aSocketFileLeftBehindByADeadDaemonIsNotARunningDaemon() throws Exception {
    Path socket = dir.resolve("stale.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(Files.exists(socket)).isTrue();

    assertThat(FerryClient.isRunning(socket)).isFalse();
    assertThat(FerryClient.connectIfRunning(socket)).isEmpty();
    FerryException e = assertHResult(() -> FerryClient.connect(socket), HResult.DO_E_NO_SERVICE);
    assertThat(e.getMessage()).contains("ferryd is not running at " + socket);
  }

  @Test
  void theDefaultSocketIsThePerUserOne() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    Path perUser =
        runtime != null && !runtime.isBlank()
            ? Path.of(runtime, "ferry", "ferryd.sock")
            : Path.of("/run/user", Long.toString(dev.ferry.engine.Ferry.currentUser().uid()))
                .resolve("ferry/ferryd.sock");
    Path system = Path.of("/run/ferry/ferryd.sock");
    Path expected = !Files.exists(perUser) && Files.exists(system) ? system : perUser;
    assertThat(FerryClient.defaultSocket()).isEqualTo(expected);
  }
}
