package dev.ferry.swarm.ledbat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link SocketRtts#ss} on this machine: the kept shell reads a live loopback connection's
 * round-trip time again and again, starts anew when it was ended, and reads nothing once closed.
 */
class SsShellTest {
  @Test
  void eachReadingSeesTheConnectionsOfNow() throws Exception {
    assumeSs();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket()) {
      client.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        exchange(client, accepted);
        InetSocketAddress serverEnd = (InetSocketAddress) client.getRemoteSocketAddress();
        SsShell rtts = new SsShell();
        try {
          assertThat(peers(rtts.read())).contains(serverEnd);
          exchange(client, accepted);
          assertThat(peers(rtts.read())).contains(serverEnd);

          rtts.close();

          assertThat(rtts.read()).isEmpty();
        } finally {
          rtts.close();
        }
      }
    }
  }

  @Test
  void aShellThatEndedIsStartedAgain() throws Exception {
    assumeSs();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket()) {
      client.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        exchange(client, accepted);
        SsShell rtts = new SsShell();
        try {
          assertThat(rtts.read()).isNotEmpty();
          killShells();

          assertThat(peers(rtts.read()))
              .contains((InetSocketAddress) client.getRemoteSocketAddress());
        } finally {
          rtts.close();
        }
      }
    }
  }

  /** Ends this JVM's ss shells from outside, as a stray signal would. */
  private static void killShells() {
    for (ProcessHandle child : ProcessHandle.current().children().toList()) {
      if (child.info().commandLine().orElse("").contains("--ferry-ss-end")) {
        child.destroyForcibly();
        child.onExit().join();
      }
    }
  }

  private static List<InetSocketAddress> peers(List<RttSample> samples) {
    return samples.stream().map(RttSample::peer).toList();
  }

  /** Bytes both ways, so that the kernel has measured a round trip. */
  private static void exchange(Socket a, Socket b) throws IOException {
    a.getOutputStream().write(new byte[1000]);
    b.getInputStream().readNBytes(1000);
    b.getOutputStream().write(new byte[1000]);
    a.getInputStream().readNBytes(1000);
  }

  private static void assumeSs() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ss"))) {
        return;
      }
    }
    String message = "iproute2's ss is missing: install Debian's iproute2";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
  }
}
