package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.cache.CacheSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line of ferryd, parsed without starting anything. */
class DaemonOptionsTest {
  @Test
  void perUserDefaultsAndExplicitValues() {
    DaemonOptions defaults = DaemonOptions.parse();
    assertThat(defaults.system()).isFalse();
    assertThat(defaults.socket()).isEqualTo(DaemonOptions.defaultUserSocket());
    assertThat(defaults.socket().toString()).endsWith("/ferry/ferryd.sock");
    assertThat(defaults.tcpPort()).isEmpty();
    assertThat(defaults.socketPermissions()).isEqualTo("rw-------");

    DaemonOptions options =
        DaemonOptions.parse(
            "--socket",
            "/tmp/x/s.sock",
            "--data-dir=/tmp/x/data",
            "--tcp",
            "8123",
            "--read-timeout-seconds",
            "3",
            "--socket-mode",
            "0666");
    assertThat(options.socket()).isEqualTo(Path.of("/tmp/x/s.sock"));
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/x/data"));
    assertThat(options.tokenFile()).isEqualTo(Path.of("/tmp/x/data/token"));
    assertThat(options.tcpPort()).hasValue(8123);
    assertThat(options.readTimeout()).contains(Duration.ofSeconds(3));
    assertThat(options.socketPermissions()).isEqualTo("rw-rw-rw-");
  }

  @Test
  void cacheHostsAndTheirDelays() {
    assertThat(DaemonOptions.parse().cacheHosts().enabled()).isFalse();
    DaemonOptions options =
        DaemonOptions.parse(
            "--cache-host",
            "c1, 10.0.0.2:8080",
            "--cache-host=[fd00::1]:80",
            "--cache-fallback-foreground",
            "60",
            "--cache-fallback-background=-1");
    assertThat(options.cacheHosts().hosts()).containsExactly("c1", "10.0.0.2:8080", "[fd00::1]:80");
    assertThat(options.cacheHosts().foregroundDelay()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.cacheHosts().backgroundDelay())
        .isEqualTo(dev.ferry.cache.CacheSettings.NEVER);
    assertThat(options.withTcp(0).cacheHosts())
        .as("kept by the with methods")
        .isEqualTo(options.cacheHosts());
    assertThatThrownBy(() -> DaemonOptions.parse("--cache-host", "http://c/"))
        .isInstanceOf(DaemonOptions.UsageException.class);
    assertThatThrownBy(() -> DaemonOptions.parse("--cache-fallback-background", "-2"))
        .isInstanceOf(DaemonOptions.UsageException.class);
    assertThat(options.cacheHosts().discovery()).isEqualTo(CacheSettings.Discovery.NONE);
    assertThat(DaemonOptions.parse("--cache-host-source", "dhcp").cacheHosts().discovery())
        .isEqualTo(CacheSettings.Discovery.DHCP);
    assertThat(DaemonOptions.parse("--cache-host-source=2").cacheHosts().discovery())
        .isEqualTo(CacheSettings.Discovery.DHCP_FORCE);
    assertThatThrownBy(() -> DaemonOptions.parse("--cache-host-source", "mdns"))
        .isInstanceOf(DaemonOptions.UsageException.class)
        .hasMessageContaining("dhcp-force");
  }

  @Test
  void systemMode() {
    DaemonOptions system = DaemonOptions.parse("--system");
    assertThat(system.socket()).isEqualTo(Path.of("/run/ferry/ferryd.sock"));
    assertThat(system.dataDir()).isEqualTo(Path.of("/var/lib/ferry"));
    assertThat(system.socketPermissions()).isEqualTo("rw-rw-rw-");
    // An explicit socket wins whatever the order.
    assertThat(DaemonOptions.parse("--socket", "/tmp/s.sock", "--system").socket())
        .isEqualTo(Path.of("/tmp/s.sock"));
  }

  @Test
  void theStartingLogLevel() {
    assertThat(DaemonOptions.parse().logLevel()).isEmpty();
    assertThat(DaemonOptions.parse("--log-level", "debug").logLevel()).contains("DEBUG");
    assertThat(DaemonOptions.parse("--log-level=WARN").withTcp(0).logLevel()).contains("WARN");
  }

  @Test
  void rejectsBadOptions() {
    for (String[] bad :
        new String[][] {
          {"--frobnicate"},
          {"--tcp"},
          {"--tcp", "http"},
          {"--tcp", "70000"},
          {"--read-timeout-seconds", "0"},
          {"--socket-mode", "0999"},
          {"--socket", "/tmp/" + "x".repeat(120)},
          {"--log-level", "LOUD"},
          {"--log-level"},
        }) {
      assertThatThrownBy(() -> DaemonOptions.parse(bad))
          .as(String.join(" ", bad))
          .isInstanceOf(DaemonOptions.UsageException.class);
    }
  }

  @Test
  void usageErrorsExitWithTwoAndHelpWithZero() {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        FerryDaemon.run(
            new String[] {"--frobnicate"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown option --frobnicate")
        .contains("Usage:");
    int help =
        FerryDaemon.run(
            new String[] {"--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(help).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: ferry daemon");
  }
}
