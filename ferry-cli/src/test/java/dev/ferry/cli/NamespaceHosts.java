package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.swarm.discovery.Netns;
import dev.ferry.testkit.ChildJvm;
import dev.ferry.testkit.Ferryd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ferry as machines in network namespaces, for the tests that need several: a ferryd offering a
 * file from one namespace, and {@code ferry get} runs in another. A Unix socket is a file, so the
 * test reaches a ferryd whatever namespace it runs in.
 */
final class NamespaceHosts {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The port every ferryd and ferry get here listens for peers on, in its own namespace. */
  static final String PEER_PORT = "6881";

  private final Netns netns;
  private final Path tmp;

  NamespaceHosts(Netns netns, Path tmp) {
    this.netns = netns;
    this.tmp = tmp;
  }

  /** ferryd in namespace {@code ns}, on {@code socket}, listening for peers on the peer port. */
  Ferryd ferryd(String ns, Path socket) {
    return Cli.ferryd(socket, tmp.resolve(ns + "-daemon-data"))
        .options("--peer-port", PEER_PORT)
        .inside(netns.exec(ns, List.of()))
        .start();
  }

  /** Offers {@code file} through {@code daemon}, writing its torrent to {@code torrent}. */
  static void seed(Ferryd daemon, Path file, Path torrent) {
    Cli.Result seeded =
        new Cli("--socket", daemon.socket().toString())
            .run("do", "seed", file.toString(), "--torrent-out", torrent.toString());
    assertThat(seeded.code()).as(seeded.toString()).isZero();
  }

  /** Starts {@code ferry get ARGS --json} in namespace {@code ns}, its errors in NAME.log. */
  Process startGet(String ns, String name, List<String> args) throws IOException {
    List<String> get =
        new ArrayList<>(List.of("--data-dir", tmp.resolve(name + "-data").toString()));
    get.add("get");
    get.addAll(args);
    get.add("--json");
    return new ProcessBuilder(netns.exec(ns, ChildJvm.command(FerryCommand.class.getName(), get)))
        .redirectError(tmp.resolve(name + ".log").toFile())
        .start();
  }

  /** Waits for a {@link #startGet}, which must succeed: its --json record. */
  JsonNode record(Process process, String name) throws IOException, InterruptedException {
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as(printed + Files.readString(tmp.resolve(name + ".log")))
        .isZero();
    return JSON.readTree(printed);
  }

  /** {@code ferry get ARGS --json} in namespace {@code ns}: its record. */
  JsonNode get(String ns, String name, List<String> args) throws IOException, InterruptedException {
    return record(startGet(ns, name, args), name);
  }
}
