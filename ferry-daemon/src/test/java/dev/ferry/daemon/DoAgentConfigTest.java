package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.api.HResult;
import dev.ferry.daemon.SdkClient.Reply;
import dev.ferry.daemon.doagent.AgentAccess;
import dev.ferry.daemon.doagent.AgentCallers;
import dev.ferry.daemon.doagent.DoAgent;
import dev.ferry.daemon.doagent.DoAgentOptions;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.Ferryd;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What ferryd's agent finds and leaves when it starts, and what the agent's configuration files
 * change: stale port files, the configuration directory, {@code admin-config.json} and {@code
 * sdk-config.json}, callers from this machine's non-loopback addresses, and how many connections it
 * keeps. Each test starts ferryd as the SDK's service calls would, with the files in place.
 */
class DoAgentConfigTest {
  DaemonFixture fx;
  Path runDir;
  Path configDir;
  Ferryd daemon;

  @BeforeEach
  void setUp() {
    fx = new DaemonFixture();
    runDir = fx.dir.resolve("agent-run");
    configDir = fx.agentConfigDir();
  }

  @AfterEach
  void tearDown() {
    if (daemon != null) {
      daemon.close();
    }
    fx.close();
  }

  private void startDaemon() {
    daemon = fx.startDaemon(fx.agentArguments(runDir).toArray(String[]::new));
  }

  // 5. Every file whose name contains "restport" goes when the agent starts.

  @Test
  void everyStalePortFileIsRemovedAtStart() throws IOException {
    Files.createDirectories(runDir);
    for (String name : List.of("restport.1", "restport.2", "restport.4", "old-restport-file")) {
      Files.writeString(runDir.resolve(name), "50000\n");
    }
    Path target = Files.writeString(fx.dir.resolve("target.txt"), "a link's target\n");
    Files.createSymbolicLink(runDir.resolve("restport.link"), target);
    Files.createDirectories(runDir.resolve("restport.d"));
    Files.writeString(runDir.resolve("unrelated.txt"), "kept\n");

    startDaemon();
    try (Stream<Path> left = Files.list(runDir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("restport." + daemon.pid(), "restport.d", "unrelated.txt");
    }
    assertThat(Files.readString(target)).as("a link is removed, not followed").isNotEmpty();
    try (SdkClient sdk = SdkClient.connect(runDir)) {
      assertThat(sdk.get("enumerate").status()).isEqualTo(200);
    }
  }

  // 7. A caller from a non-loopback address of this machine: 400 BadRequest, unless
  // admin-config.json turns the check off.

  @Test
  void aNonLoopbackCallerIsRefusedUnlessTheAdminConfigAllowsIt() throws IOException {
    Optional<InetAddress> own = nonLoopbackAddress();
    assumeThat(own).as("a non-loopback IPv4 address on this machine").isPresent();
    startDaemon();
    // The SDK suite's RestInterfaceUsePrivateIPForLocalSocket: bound to the machine's address,
    // connected to 127.0.0.1.
    String create = "POST /download/create/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    try (Socket socket = boundTo(own.get())) {
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 2; i++) {
        socket.getOutputStream().write(create.getBytes(StandardCharsets.US_ASCII));
        Reply refused = SdkClient.readReply(in);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reason()).isEqualTo("BadRequest");
        assertThat(refused.errorCode()).isEqualTo(HResult.E_INVALIDARG.value());
      }
    }
    daemon.close();

    Files.createDirectories(configDir);
    Files.writeString(
        configDir.resolve("admin-config.json"), "{ \"RestControllerValidateRemoteAddr\":false }\n");
    startDaemon();
    try (Socket socket = boundTo(own.get())) {
      socket.getOutputStream().write(create.getBytes(StandardCharsets.US_ASCII));
      Reply served = SdkClient.readReply(socket.getInputStream());
      assertThat(served.status()).isEqualTo(200);
      assertThat(served.text("Id")).isNotBlank();
    }
  }

  private Socket boundTo(InetAddress local) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(local, 0));
    socket.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), SdkClient.discoverPort(runDir)),
        10_000);
    return socket;
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  // 12. The configuration directory and files.

  /**
   * A root ferryd creates the configuration directory, as the agent's installation does, so that
   * the SDK has a place for sdk-config.json; it is root's and 0755, so that the agent's user, whom
   * any caller can have write files, cannot write the agent's configuration.
   */
  @Test
  void aRootDaemonCreatesTheConfigurationDirectoryForRootAlone() throws IOException {
    startDaemon();
    if (Ferry.currentUser().isAdministrator()) {
      assertThat(configDir).isDirectory();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configDir)))
          .isEqualTo("rwxr-xr-x");
      assertThat(Files.getOwner(configDir, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("root");
    } else {
      assertThat(configDir).as("only root creates it").doesNotExist();
    }
  }

  /** The cache host is read and said; ferryd without --cache-host makes it the engine's. */
  @Test
  void theCacheHostIsReadFromTheSdkOrTheAdminConfiguration() throws IOException {
    Files.createDirectories(configDir);
    Files.writeString(
        configDir.resolve("sdk-config.json"),
        "{\"ADUC_IoTConnectionString\":\"HostName=hub.example;DeviceId=d;"
            + "GatewayHostName=gateway-cache.example;SharedAccessKey=k=\"}");
    startDaemon();
    assertThat(daemon.log()).contains("cache host gateway-cache.example");
    daemon.close();

    Files.writeString(
        configDir.resolve("admin-config.json"), "{\"DOCacheHost\":\"admin-cache.example\"}");
    startDaemon();
    assertThat(daemon.log())
        .as("DOCacheHost wins over the connection string's gateway")
        .contains("cache host admin-cache.example");
  }

  // 13. Idle connections are closed only when too many are open, the one idle longest first.

  @Test
  void onlyWhenTooManyAreOpenIsTheConnectionIdleLongestClosed() throws IOException {
    try (JobEngine engine = JobEngine.open(fx.dir.resolve("cap-data"), EngineConfig.defaults());
        DoAgent agent =
            DoAgent.start(
                engine.deliveryManager(Ferry.currentUser()),
                DoAgentOptions.of(runDir).withConfigDir(configDir).withMaxConnections(2),
                false,
                AgentAccess.NONE,
                AgentCallers.anyone());
        SdkClient first = SdkClient.connect(runDir);
        SdkClient second = SdkClient.connect(runDir)) {
      assertThat(agent.port()).isEqualTo(SdkClient.discoverPort(runDir));
      assertThat(first.get("enumerate").status()).isEqualTo(200);
      assertThat(second.get("enumerate").status()).isEqualTo(200);
      assertThat(first.get("enumerate").status()).as("two are allowed").isEqualTo(200);
      assertThat(second.get("enumerate").status()).isEqualTo(200);
      try (SdkClient third = SdkClient.connect(runDir)) {
        assertThat(third.get("enumerate").status()).isEqualTo(200);
        assertThat(first.closedByServer()).as("the one idle longest").isTrue();
        assertThat(second.get("enumerate").status()).isEqualTo(200);
        assertThat(third.get("enumerate").status()).isEqualTo(200);
      }
    }
  }

  /**
   * A connection that stalls within a request is dropped after the request timeout, so stalled
   * requests cannot keep every place busy: the places go to those who send whole requests.
   */
  @Test
  void aConnectionThatStallsWithinARequestIsDropped() throws IOException {
    try (JobEngine engine = JobEngine.open(fx.dir.resolve("stall-data"), EngineConfig.defaults());
        DoAgent agent =
            DoAgent.start(
                engine.deliveryManager(Ferry.currentUser()),
                DoAgentOptions.of(runDir)
                    .withConfigDir(configDir)
                    .withMaxConnections(2)
                    .withRequestTimeout(java.time.Duration.ofMillis(500)),
                false,
                AgentAccess.NONE,
                AgentCallers.anyone());
        java.net.Socket stalled =
            new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), agent.port());
        SdkClient idle = SdkClient.connect(runDir)) {
      stalled
          .getOutputStream()
          .write("GET download/enum".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      stalled.setSoTimeout(30_000);
      assertThat(stalled.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
      assertThat(idle.get("enumerate").status())
          .as("a connection idle between requests is kept")
          .isEqualTo(200);
    }
  }
}
