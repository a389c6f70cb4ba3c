package dev.ferry.cli;

import static dev.ferry.testkit.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FileInfo;
import dev.ferry.engine.Ferry;
import dev.ferry.testkit.Content;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ferry get}, run in-process through the real command line with its own data directory (a
 * temporary one, never the user's), against an origin on loopback.
 */
class GetCommandTest extends EmbeddedCliTest {
  @Test
  void downloadsOneUrlToTheOutputFile() throws Exception {
    Content content = Content.random(1_500_000, 1);
    origin.put("/file.bin", content);
    Path target = downloads.resolve("saved.bin");

    Result result =
        ferry(
            "get",
            origin.url("/file.bin"),
            "-o",
            target.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
    assertThat(listing(downloads)).as("no temporary file left").containsExactly("saved.bin");
    assertThat(jobsLeft()).as("the job was completed").isEmpty();
  }

  @Test
  void downloadsSeveralUrlsIntoADirectoryUnderTheirOwnNames() throws Exception {
    Content one = Content.random(200_000, 2);
    Content two = Content.random(300_000, 3);
    origin.put("/one.bin", one);
    origin.put("/sub/two.bin", two);

    Result result =
        ferry(
            "get",
            "-q",
            origin.url("/one.bin"),
            origin.url("/sub/two.bin"),
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertDownloadedExactly(Map.of("one.bin", one, "two.bin", two));
  }

  @Test
  void readsUrlsFromAnInputFileAfterThoseOnTheCommandLine() throws Exception {
    Content one = Content.random(120_000, 7);
    Content two = Content.random(80_000, 8);
    Content three = Content.random(50_000, 9);
    origin.put("/one.bin", one);
    origin.put("/two.bin", two);
    origin.put("/three.bin", three);
    Path list =
        Files.writeString(
            tmp.resolve("urls.txt"),
            "# made by a script\n\n  "
                + origin.url("/two.bin")
                + "  \n"
                + origin.url("/three.bin")
                + "\n");

    Result result =
        ferry(
            "get",
            "-q",
            origin.url("/one.bin"),
            "-i",
            list.toString(),
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertDownloadedExactly(Map.of("one.bin", one, "two.bin", two, "three.bin", three));
  }

  @Test
  void anUnreadableInputFileOrNoUrlAtAllIsAUsageError() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty.txt"), "# nothing yet\n");

    Result missing =
        ferry("get", "-i", tmp.resolve("absent.txt").toString(), "--data-dir", dataDir.toString());
    Result none = ferry("get", "-i", empty.toString(), "--data-dir", dataDir.toString());

    assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("absent.txt: no such file");
    assertThat(none.code()).as(none.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).contains("no URL");
    assertThat(dataDir).as("no engine was opened").doesNotExist();
  }

  @Test
  void aMissingRemoteFileFailsWithTheHttpErrorAndLeavesNothingBehind() throws Exception {
    Path target = downloads.resolve("missing.bin");

    Result result =
        ferry(
            "get",
            "-q",
            origin.url("/missing.bin"),
            "-o",
            target.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err()).contains("BG_E_HTTP_ERROR_404");
    assertThat(result.err()).doesNotContain("\tat ");
    assertThat(origin.requests("/missing.bin")).isNotEmpty();
    assertThat(listing(downloads)).as("no file, temporary or not").isEmpty();
    assertThat(jobsLeft()).as("the failed job was cancelled").isEmpty();
  }

  @Test
  void aRateLimitedDownloadArrivesWholeAndABadRateIsRefusedBeforeAnyRequest() throws Exception {
    Content content = Content.random(600_000, 6);
    origin.put("/slow.bin", content);
    Path target = downloads.resolve("slow.bin");

    Result refused =
        ferry(
            "get",
            "-q",
            "--limit-rate",
            "fast",
            origin.url("/slow.bin"),
            "-o",
            target.toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err()).startsWith("ferry: ").contains("'fast' is not a rate");
    assertThat(origin.requests("/slow.bin")).isEmpty();

    Result result =
        ferry(
            "get",
            "-q",
            "--limit-rate",
            "2M",
            origin.url("/slow.bin"),
            "-o",
            target.toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void theMachinesCacheHostsFromPolicyServeAGetAndItsSummarySaysSo() throws Exception {
    Content content = Content.random(3_000_000, 11);
    origin.put("/via-node.bin", content);
    try (dev.ferry.testkit.CacheNode node =
        dev.ferry.testkit.CacheNode.allowing("127.0.0.1=127.0.0.1:" + origin.port()).start()) {
      Result policy =
          ferry("policy", "--cache-host", node.host(), "--data-dir", dataDir.toString());
      assertThat(policy.code()).as(policy.toString()).isEqualTo(ExitCodes.OK);

      Path target = downloads.resolve("via-node.bin");
      Result get =
          ferry(
              "get",
              origin.url("/via-node.bin"),
              "-o",
              target.toString(),
              "--data-dir",
              dataDir.toString());
      assertThat(get.code()).as(get.toString()).isEqualTo(ExitCodes.OK);
      assertThat(sha256(target)).isEqualTo(content.sha256());
      assertThat(get.err()).contains("2.9 MiB from cache servers");
      // The node fetched each slice once (a slice whose lock timed out on a slow machine may come
      // twice), and the client asked the origin nothing itself: asking it for the version would
      // have cost the whole 3 MB file again.
      assertThat(origin.bytesServed("/via-node.bin"))
          .isBetween(content.size(), content.size() + (1L << 20) - 1);
    }
  }

  @Test
  void aCacheHostThatDoesNotAnswerLeavesTheDownloadToTheOrigin() throws Exception {
    Content content = Content.random(300_000, 9);
    origin.put("/cached.bin", content);
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Path target = downloads.resolve("cached.bin");
    Result result =
        ferry(
            "get",
            "--cache-host",
            "127.0.0.1:" + closed,
            origin.url("/cached.bin"),
            "-o",
            target.toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void outputWithSeveralUrlsIsAUsageError() throws Exception {
    origin.put("/a.bin", Content.random(1000, 4));
    origin.put("/b.bin", Content.random(1000, 5));

    Result result =
        ferry(
            "get",
            origin.url("/a.bin"),
            origin.url("/b.bin"),
            "-o",
            downloads.resolve("x.bin").toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("-o");
    assertThat(origin.requests("/a.bin")).isEmpty();
    assertThat(listing(downloads)).isEmpty();
    assertThat(dataDir).as("no engine was opened").doesNotExist();
  }

  @Test
  void anUnsupportedSchemeIsAUsageErrorWithAReadableMessage() throws Exception {
    Result result =
        ferry(
            "get",
            "-q",
            "ftp://127.0.0.1/file.bin",
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).startsWith("ferry: ").contains("ftp is not supported");
    assertThat(result.err()).as("a message, not a stack trace").doesNotContain("\tat ");
    assertThat(listing(downloads)).isEmpty();
    assertThat(dataDir).as("no engine was opened").doesNotExist();
  }

  @Test
  void malformedArgumentsAreUsageErrorsOfOneLineAndAPointerToHelp() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain.txt"), "not a directory");
    String[][] cases = {
      {"get", "127.0.0.1:8081/x"},
      {"get", "ht!tp://x y"},
      {"get", "ftp://127.0.0.1/file.bin"},
      {"get", ""},
      {"get", "http://127.0.0.1:99999/x"},
      {"get", "--limit-rate", "5Q", origin.url("/a")},
      {"get", "--timeout", "-5", origin.url("/a")},
      {"get", "--cache-host", "http://cache/", origin.url("/a")},
      {"get", "--cache-fallback", "-2", origin.url("/a")},
      {"get", "-d", file.toString(), origin.url("/a")},
      {"policy", "--background", "5X"},
      {"policy", "--window", "*@25:00-26:00=1M"},
      {"addfile", "somejob", "localhost:8080/x", "/tmp/x"},
    };
    for (String[] args : cases) {
      List<String> all = new java.util.ArrayList<>(List.of(args));
      all.addAll(List.of("--data-dir", dataDir.toString()));
      Result result = ferry(all.toArray(String[]::new));
      String what = String.join(" ", args) + "\n" + result;
      assertThat(result.code()).as(what).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).as(what).startsWith("ferry: ").contains("--help' for more");
      assertThat(result.err().lines().count()).as("not the whole help: " + what).isLessThan(4);
      assertThat(result.err()).as(what).doesNotContain("Usage:").doesNotContain("\tat ");
    }
    assertThat(ferry("get", "-d", file.toString(), origin.url("/a")).err())
        .contains("not a directory");
    assertThat(ferry("get", "127.0.0.1:8081/x").err())
        .contains("did you mean http://127.0.0.1:8081/x?");
    assertThat(origin.requests("/a")).isEmpty();
    assertThat(dataDir).as("no engine was opened").doesNotExist();
  }

  @Test
  void dirIsCreatedAndAnExistingFileIsKeptUnlessOverwriteIsGiven() throws Exception {
    Content first = Content.random(100_000, 21);
    Content second = Content.random(120_000, 22);
    origin.put("/kept.bin", first);
    Path dir = downloads.resolve("new/sub");

    Result created =
        ferry(
            "get",
            "-q",
            origin.url("/kept.bin"),
            "-d",
            dir.toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(created.code()).as(created.toString()).isZero();
    assertThat(sha256(dir.resolve("kept.bin"))).isEqualTo(first.sha256());

    origin.put("/kept.bin", second);
    Result skipped =
        ferry(
            "get", origin.url("/kept.bin"), "-d", dir.toString(), "--data-dir", dataDir.toString());
    assertThat(skipped.code()).as(skipped.toString()).isZero();
    assertThat(skipped.err()).contains(dir.resolve("kept.bin") + " exists").contains("--overwrite");
    assertThat(sha256(dir.resolve("kept.bin"))).as("left as it was").isEqualTo(first.sha256());

    Result replaced =
        ferry(
            "get",
            "-q",
            "--overwrite",
            origin.url("/kept.bin"),
            "-d",
            dir.toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(replaced.code()).as(replaced.toString()).isZero();
    assertThat(sha256(dir.resolve("kept.bin"))).isEqualTo(second.sha256());
    assertThat(listing(dir)).containsExactly("kept.bin");
  }

  @Test
  void aListWithAFailingUrlKeepsTheGoodFilesAndEndsWithASummary() throws Exception {
    Map<String, Content> good = new java.util.LinkedHashMap<>();
    StringBuilder list = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      Content content = Content.random(150_000 + i * 1000, 30 + i);
      origin.put("/good-" + i + ".bin", content);
      good.put("good-" + i + ".bin", content);
      list.append(origin.url("/good-" + i + ".bin")).append('\n');
      if (i == 2) {
        list.append(origin.url("/missing.bin")).append('\n');
      }
    }
    Path urls = Files.writeString(tmp.resolve("urls.txt"), list);

    Result result =
        ferry(
            "get",
            "-i",
            urls.toString(),
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertDownloadedExactly(good);
    assertThat(result.err())
        .contains("ferry: 5 of 6 file(s) downloaded (")
        .contains("1 failed:")
        .containsPattern(
            "ferry:   "
                + java.util.regex.Pattern.quote(origin.url("/missing.bin"))
                + ": .*BG_E_HTTP_ERROR_404");
  }

  @Test
  void aRefusedConnectionFailsAfterThreeAttemptsNotAfterTheTimeout() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    long started = System.nanoTime();
    Result result =
        ferry(
            "get",
            "http://127.0.0.1:" + closed + "/x.bin",
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());
    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err())
        .contains("ERROR_INTERNET_CANNOT_CONNECT")
        .contains("gave up after " + GetRun.REFUSED_ATTEMPTS + " attempts")
        .as("it said it was retrying")
        .contains("retrying");
    assertThat(took)
        .as("well before the 120 s no-progress timeout")
        .isLessThan(java.time.Duration.ofSeconds(100));
    assertThat(jobsLeft()).isEmpty();
    assertThat(listing(downloads)).isEmpty();
  }

  @Test
  void aNameThatDoesNotResolveFailsAtOnce() throws Exception {
    Result result =
        ferry(
            "get",
            "-q",
            "http://no-such-host.invalid/x.bin",
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err())
        .contains("ERROR_INTERNET_NAME_NOT_RESOLVED")
        .doesNotContain("attempts");
    assertThat(jobsLeft()).isEmpty();
  }

  @Test
  void theSameUrlToAnotherFileLeavesTheEarlierDownloadAndSaysSoAndTheSameFileResumesIt()
      throws Exception {
    Content content = Content.random(300_000, 40);
    origin.put("/twice.bin", content);
    Path first = downloads.resolve("first.bin");
    String earlierId;
    try (BackgroundCopyManager manager = Ferry.embedded(dataDir)) {
      // What an interrupted `ferry get URL -o first.bin` leaves behind.
      List<FileInfo> files = List.of(new FileInfo(origin.url("/twice.bin"), first.toString()));
      BackgroundCopyJob earlier = manager.createJob(GetCommand.displayName(files));
      earlier.addFileSet(files);
      earlierId = earlier.id().toString();
    }

    Result other =
        ferry(
            "get",
            origin.url("/twice.bin"),
            "-o",
            downloads.resolve("second.bin").toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(other.code()).as(other.toString()).isZero();
    assertThat(other.err())
        .contains("an earlier, unfinished get")
        .contains("ferry cancel " + earlierId);
    assertThat(jobsLeft()).as("the earlier job is left, not piled on").hasSize(1);

    Result same =
        ferry(
            "get",
            "-q",
            origin.url("/twice.bin"),
            "-o",
            first.toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(same.code()).as(same.toString()).isZero();
    assertThat(sha256(first)).isEqualTo(content.sha256());
    assertThat(jobsLeft()).as("the earlier job was resumed and completed").isEmpty();
  }

  @Test
  void progressInALogIsPlainLinesAndOneSummary() throws Exception {
    Content content = Content.random(2_000_000, 50);
    origin.put("/log.bin", content);

    Result result =
        ferry(
            "get",
            "--limit-rate",
            "300K",
            origin.url("/log.bin"),
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.err()).doesNotContain("\r").doesNotContain("\u001b");
    assertThat(result.err()).containsPattern("log\\.bin: [0-9.]+ MiB of 1\\.9 MiB \\(\\d+%\\)");
    assertThat(result.err().lines().filter(l -> l.startsWith("ferry: done ("))).hasSize(1);
  }

  @Test
  void aHostThatRefusesIsGivenUpOnceForAllItsUrlsAndTheOthersArrive() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Content one = Content.random(120_000, 23);
    Content two = Content.random(130_000, 24);
    origin.put("/one.bin", one);
    origin.put("/two.bin", two);

    Result result =
        ferry(
            "get",
            "http://127.0.0.1:" + closed + "/a.bin",
            origin.url("/one.bin"),
            "http://127.0.0.1:" + closed + "/b.bin",
            origin.url("/two.bin"),
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertDownloadedExactly(Map.of("one.bin", one, "two.bin", two));
    assertThat(result.err())
        .contains("ferry: 2 of 4 file(s) downloaded (")
        .contains("2 failed:")
        .contains("gave up after " + GetRun.REFUSED_ATTEMPTS + " attempts")
        .contains(": not tried, 127.0.0.1:" + closed + " did not answer");
  }

  // --- helpers ----------------------------------------------------------------------------------

  record Result(int code, String out, String err) {}

  private static Result ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FerryCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** The download directory holds exactly these files, byte for byte, and no job is left. */
  private void assertDownloadedExactly(Map<String, Content> expected) throws Exception {
    for (Map.Entry<String, Content> file : expected.entrySet()) {
      assertThat(sha256(downloads.resolve(file.getKey())))
          .as(file.getKey())
          .isEqualTo(file.getValue().sha256());
    }
    assertThat(listing(downloads)).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(jobsLeft()).isEmpty();
  }

  /** The jobs a new engine on the data directory finds: what the command left behind. */
  private List<String> jobsLeft() {
    try (BackgroundCopyManager manager = Ferry.embedded(dataDir)) {
      return manager.enumJobs().stream().map(BackgroundCopyJob::displayName).toList();
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void manyUrlsMakeOneJobWhoseNameFitsTheLimitAndSaysWhereTheFilesGo() {
    List<FileInfo> files = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      files.add(
          new FileInfo(
              "http://127.0.0.1:9/some/fairly/long/path/file-" + i + ".bin",
              "/srv/files/file-" + i + ".bin"));
    }
    assertThat(GetCommand.displayName(files))
        .hasSizeLessThanOrEqualTo(256)
        .startsWith("ferry get http://127.0.0.1:9/")
        .endsWith("(+39 more) -d /srv/files");
    assertThat(GetCommand.displayName(List.of(new FileInfo("http://a/b", "/tmp/b"))))
        .isEqualTo("ferry get http://a/b -o /tmp/b");
  }
}
