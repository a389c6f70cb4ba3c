package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testkit.ChildJvm;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two terminals, no daemon: while one {@code ferry get} holds the embedded engine (a real child
 * process), the other commands on the same data directory work through it, and a download that went
 * through it goes on in its own process once the first one ends.
 */
class SharedEngineTest extends EmbeddedCliTest {
  Process first;

  @AfterEach
  void stop() {
    if (first != null) {
      first.destroyForcibly();
    }
  }

  @Test
  void whileAGetRunsReadVerbsAndASecondGetWorkThroughIt() throws Exception {
    Content slow = Content.random(3_000_000, 60);
    Content quick = Content.random(400_000, 61);
    origin.put("/slow.bin", slow);
    origin.put("/quick.bin", quick);
    startFirstGet("/slow.bin");

    Cli.Result list = ferry.run("list");
    assertThat(list.code()).as(list.toString()).isZero();
    assertThat(list.out()).contains("ferry get " + origin.url("/slow.bin"));
    Cli.Result status = ferry.run("--json", "list");
    assertThat(status.code()).as(status.toString()).isZero();

    Cli.Result second =
        ferry.run("get", "-q", origin.url("/quick.bin"), "-d", downloads.toString());
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(TestFiles.sha256(downloads.resolve("quick.bin"))).isEqualTo(quick.sha256());

    assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).as(Files.readString(tmp.resolve("first.err"))).isZero();
    assertThat(TestFiles.sha256(downloads.resolve("slow.bin"))).isEqualTo(slow.sha256());
  }

  @Test
  void theFirstCommandToAskStartsTheServerOnAPrivateSocket() throws Exception {
    origin.put("/slow.bin", Content.random(3_000_000, 62));
    first =
        ferryProcess(
            "get",
            "-q",
            "--limit-rate",
            "256K",
            origin.url("/slow.bin"),
            "-d",
            downloads.toString());
    Path socket = EmbeddedHost.socketFor(dataDir.toAbsolutePath().normalize());
    await("the first get listening on " + socket)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Files.exists(socket));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
        .isEqualTo("rwx------");

    // Nobody has asked yet, so no server answers: this command's question is what starts it.
    Cli.Result list = ferry.run("list");
    assertThat(list.code()).as(list.toString()).isZero();
    assertThat(list.out()).contains("ferry get " + origin.url("/slow.bin"));
    assertThat(Daemon.answers(socket)).isTrue();
  }

  @Test
  void aGetThroughAnotherGetGoesOnAfterThatOneEnds() throws Exception {
    Content shorter = Content.random(1_000_000, 62);
    Content longer = Content.random(3_000_000, 63);
    origin.put("/shorter.bin", shorter);
    origin.put("/longer.bin", longer);
    startFirstGet("/shorter.bin");

    CompletableFuture<Cli.Result> second =
        CompletableFuture.supplyAsync(() ->
            new Cli("--data-dir", dataDir.toString())
                .run(
                    "get",
                    "-q",
                    "--limit-rate",
                    "256K",
                    origin.url("/longer.bin"),
                    "-d",
                    downloads.toString()));

    assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).as(Files.readString(tmp.resolve("first.err"))).isZero();
    assertThat(second).as("still downloading when the first get ended").isNotDone();
    Cli.Result result = second.get(180, TimeUnit.SECONDS);
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(TestFiles.sha256(downloads.resolve("longer.bin"))).isEqualTo(longer.sha256());
    assertThat(TestFiles.sha256(downloads.resolve("shorter.bin"))).isEqualTo(shorter.sha256());
    assertThat(new Cli("--data-dir", dataDir.toString()).run("list").value())
        .isEqualTo("Listed 0 job(s).");
  }

  /**
   * Starts the first get, of {@code path} at 256 KiB/s in a process of its own, and waits until it
   * shares its engine.
   */
  private void startFirstGet(String path) throws IOException {
    first =
        ferryProcess(
            "get", "-q", "--limit-rate", "256K", origin.url(path), "-d", downloads.toString());
    awaitShared();
  }

  /** Until the first get shares its engine on the data directory's socket. */
  private void awaitShared() {
    Path socket = EmbeddedHost.socketFor(dataDir.toAbsolutePath().normalize());
    await("the first get sharing its engine on " + socket)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Daemon.answers(socket));
  }

  private Process ferryProcess(String... args) throws IOException {
    List<String> arguments = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
    arguments.addAll(List.of(args));
    List<String> command = ChildJvm.command(FerryCommand.class.getName(), arguments);
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(tmp.resolve("first.out").toFile())
        .redirectError(tmp.resolve("first.err").toFile())
        .start();
  }
}
