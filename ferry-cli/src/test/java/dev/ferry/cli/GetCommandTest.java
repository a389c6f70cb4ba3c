package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.engine.Ferry;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ferry get}, run in-process through the real command line with its own data directory (a
 * temporary one, never the user's), against an origin on loopback.
 */
class GetCommandTest {
  @TempDir Path tmp;
  TestOrigin origin;
  Path dataDir;
  Path downloads;

  @BeforeEach
  void start() throws IOException {
    origin = TestOrigin.start();
    dataDir = tmp.resolve("data");
    downloads = Files.createDirectories(tmp.resolve("downloads"));
  }

  @AfterEach
  void stop() {
    origin.close();
  }

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
    assertThat(missing.err()).contains("absent.txt");
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
    assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err()).contains("'fast' is not a rate").contains("E_INVALIDARG");
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
  void anUnsupportedSchemeFailsWithAReadableMessage() throws Exception {
    Result result =
        ferry(
            "get",
            "-q",
            "ftp://127.0.0.1/file.bin",
            "-d",
            downloads.toString(),
            "--data-dir",
            dataDir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err()).startsWith("ferry: ").contains("E_INVALIDARG");
    assertThat(result.err()).as("a message, not a stack trace").doesNotContain("\tat ");
    assertThat(listing(downloads)).isEmpty();
    assertThat(jobsLeft()).as("the rejected job was cancelled").isEmpty();
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

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Test
  void manyUrlsMakeOneJobWhoseNameFitsTheLimit() {
    java.util.List<String> urls = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      urls.add("http://127.0.0.1:9/some/fairly/long/path/file-" + i + ".bin");
    }
    String name = GetCommand.displayName(urls);
    org.assertj.core.api.Assertions.assertThat(name)
        .hasSizeLessThanOrEqualTo(256)
        .startsWith("ferry get http://127.0.0.1:9/")
        .endsWith("(+39 more)");
    org.assertj.core.api.Assertions.assertThat(
            GetCommand.displayName(java.util.List.of("http://a/b")))
        .isEqualTo("ferry get http://a/b");
  }
}
