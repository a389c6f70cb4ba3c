package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.client.FerryClient;
import dev.ferry.rest.Json;
import dev.ferry.rest.PolicyView;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
  @TempDir Path tmp;

  @Test
  void changesAndShowsTheEmbeddedEnginesPolicy() throws Exception {
    Cli ferry = new Cli("--data-dir", tmp.resolve("data").toString());
    Cli.Result set =
        ferry.run(
            "policy",
            "--global",
            "8M",
            "--background",
            "512K",
            "--window",
            "mon-fri@8:00-17:30=0",
            "--window",
            "*@22:00-06:00=1M");
    assertThat(set.code()).as(set.toString()).isZero();
    assertThat(set.out())
        .contains("global:                      8 MiB/s")
        .contains("background:                  512 KiB/s");
    assertThat(set.out())
        .contains("MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY 08:00-17:30 background blocked");

    Cli.Result json = ferry.run("policy", "--json");
    PolicyView policy = Json.mapper().readValue(json.out(), PolicyView.class);
    assertThat(policy.global()).isEqualTo(8L << 20);
    assertThat(policy.foreground()).isEqualTo(-1);
    assertThat(policy.windows()).hasSize(2);
    assertThat(policy.windows().get(1))
        .as("every day, spelled out")
        .isEqualTo(
            new PolicyView.Window(
                List.of(
                    "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"),
                "22:00",
                "06:00",
                1L << 20));

    Cli.Result cleared = ferry.run("policy", "--clear-windows", "--global", "unlimited", "--json");
    PolicyView after = Json.mapper().readValue(cleared.out(), PolicyView.class);
    assertThat(after.windows()).isEmpty();
    assertThat(after.global()).isEqualTo(-1);
    assertThat(after.background()).isEqualTo(512 * 1024);
  }

  @Test
  void rejectsMalformedRatesAndWindows() {
    Cli ferry = new Cli("--data-dir", tmp.resolve("data").toString());
    for (String[] args :
        List.of(
            new String[] {"policy", "--global", "fast"},
            new String[] {"policy", "--window", "someday@8:00-9:00=0"},
            new String[] {"policy", "--window", "mon@8-9=0"},
            new String[] {"policy", "--window", "mon@08:00-24:30=0"},
            new String[] {"policy", "--cache-host", "http://cache.example/"},
            new String[] {"policy", "--cache-host", ","},
            new String[] {"policy", "--cache-fallback-background", "-2"},
            new String[] {"policy", "--cache-fallback-foreground", "soon"})) {
      Cli.Result result = ferry.run(args);
      assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).startsWith("ferry: ");
    }
    // A well-formed value the engine refuses is a refused request.
    Cli.Result refused = ferry.run("policy", "--global", "0");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err()).contains("E_INVALIDARG");
  }

  @Test
  void setsShowsAndKeepsTheMachinesCacheHosts() throws Exception {
    Path data = tmp.resolve("data");
    Cli ferry = new Cli("--data-dir", data.toString());
    Cli.Result none = ferry.run("policy");
    assertThat(none.out()).contains("cache hosts:                 none");

    Cli.Result set =
        ferry.run(
            "policy",
            "--cache-host",
            "cache1.example,[fd00::1]:8080",
            "--cache-host",
            "10.0.0.9",
            "--cache-fallback-background",
            "60",
            "--cache-fallback-foreground",
            "-1");
    assertThat(set.code()).as(set.toString()).isZero();
    assertThat(set.out())
        .contains("cache hosts:                 cache1.example,[fd00::1]:8080,10.0.0.9")
        .contains("cache fallback foreground:   never")
        .contains("cache fallback background:   after 60 s");
    assertThat(java.nio.file.Files.readString(data.resolve("cache-hosts.json")))
        .as("DO's names, in the data directory")
        .contains("\"DOCacheHost\" : \"cache1.example,[fd00::1]:8080,10.0.0.9\"")
        .contains("\"DODelayCacheServerFallbackBackground\" : 60");

    // A later command (a new engine) reads them back; a change of one delay keeps the rest.
    Cli.Result changed = ferry.run("policy", "--cache-fallback-background", "unset", "--json");
    PolicyView.Cache cache = Json.mapper().readValue(changed.out(), PolicyView.class).cache();
    assertThat(cache)
        .isEqualTo(
            new PolicyView.Cache(
                List.of("cache1.example", "[fd00::1]:8080", "10.0.0.9"), -1L, null));

    Cli.Result cleared = ferry.run("policy", "--no-cache-host", "--json");
    assertThat(Json.mapper().readValue(cleared.out(), PolicyView.class).cache().hosts()).isEmpty();
  }

  @Test
  void changesTheDaemonsPolicyLive() throws Exception {
    Path socketDir = TestFiles.shortTempDir("fd");
    Path socket = socketDir.resolve("ferryd.sock");
    try (Ferryd daemon = Cli.ferryd(socket, tmp.resolve("daemon-data")).start()) {
      Cli ferry =
          new Cli("--socket", socket.toString(), "--data-dir", tmp.resolve("unused").toString());
      Cli.Result set = ferry.run("policy", "--foreground", "2M", "--json");
      assertThat(set.code()).as(set.toString()).isZero();
      assertThat(FerryClient.policy(socket).foreground()).isEqualTo(2L << 20);

      Cli.Result cache = ferry.run("policy", "--cache-host", "cache.example:8080");
      assertThat(cache.code()).as(cache.toString()).isZero();
      assertThat(FerryClient.policy(socket).cache().hosts()).containsExactly("cache.example:8080");
      assertThat(tmp.resolve("daemon-data").resolve("cache-hosts.json")).exists();

      // A cache host that does not answer is left out, and the policy says so with the reason.
      int closed;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        closed = free.getLocalPort();
      }
      try (TestOrigin origin = TestOrigin.start()) {
        origin.put("/f.bin", Content.random(100_000, 3));
        Cli.Result get =
            ferry.run(
                "get",
                "-q",
                "--cache-host",
                "127.0.0.1:" + closed,
                origin.url("/f.bin"),
                "-o",
                tmp.resolve("f.bin").toString());
        assertThat(get.code()).as(get.toString()).isZero();
      }
      Cli.Result shown = ferry.run("policy");
      assertThat(shown.out())
          .containsPattern("cache host left out: +127\\.0\\.0\\.1:" + closed + " until 20")
          .contains("Connection refused");
      assertThat(FerryClient.policy(socket).cache().bans())
          .extracting(PolicyView.Ban::cacheHost)
          .containsExactly("127.0.0.1:" + closed);
      assertThat(tmp.resolve("unused")).doesNotExist();
    } finally {
      TestFiles.deleteTree(socketDir);
    }
  }
}
