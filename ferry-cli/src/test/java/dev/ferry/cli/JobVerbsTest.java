package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.JobOwner;
import dev.ferry.engine.Ferry;
import dev.ferry.rest.ErrorView;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Json;
import dev.ferry.rest.PropertyValue;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The bitsadmin verbs against the embedded engine: each command opens the engine over a temporary
 * data directory, as a script's successive {@code ferry} calls would, and the jobs persist between
 * them.
 */
class JobVerbsTest extends EmbeddedCliTest {
  private static final String HRESULT_LINE = "(?s)ferry: .+ \\[%s 0x[0-9A-F]{8}\\]\\s*";

  @Test
  void aJobGoesFromCreateThroughResumeAndWaitToCompleteWithTheFileByteExact() {
    Content content = Content.random(1_200_000, 11);
    origin.put("/nightly.bin", content);
    Path target = downloads.resolve("nightly.bin");

    Cli.Result created = ferry.run("create", "nightly");
    assertThat(created.code()).as(created.toString()).isZero();
    UUID id = UUID.fromString(created.value());

    assertOk(ferry.run("addfile", "nightly", origin.url("/nightly.bin"), target.toString()));
    assertThat(ferry.run("getstate", "nightly").value()).isEqualTo("SUSPENDED");
    assertThat(ferry.run("getcompletiontime", id.toString()).value()).isEqualTo("NULL");
    assertOk(ferry.run("resume", id.toString()));
    assertThat(ferry.run("getstate", id.toString()).value())
        .isIn("QUEUED", "CONNECTING", "TRANSFERRING", "TRANSFERRED");

    assertOk(ferry.run("wait", "-q", "nightly"));

    assertThat(ferry.run("getstate", "nightly").value()).isEqualTo("TRANSFERRED");
    assertThat(ferry.run("getbytestotal", "nightly").value()).isEqualTo("1200000");
    assertThat(ferry.run("getbytestransferred", "nightly").value()).isEqualTo("1200000");
    assertThat(ferry.run("getfilestotal", "nightly").value()).isEqualTo("1");
    assertThat(ferry.run("getfilestransferred", "nightly").value()).isEqualTo("1");
    Instant completed = Instant.parse(ferry.run("getcompletiontime", "nightly").value());
    assertThat(completed)
        .isAfterOrEqualTo(Instant.parse(ferry.run("getcreationtime", "nightly").value()));
    assertThat(target).as("nothing under the local name before complete").doesNotExist();

    Cli.Result complete = ferry.run("complete", "nightly");
    assertThat(complete.code()).as(complete.toString()).isZero();
    assertThat(complete.out()).contains(id.toString()).contains("completed");
    assertThat(TestFiles.sha256(target)).isEqualTo(content.sha256());
    assertThat(ferry.run("list").value()).isEqualTo("Listed 0 job(s).");
  }

  @Test
  void aFailedJobReportsItsErrorThroughWaitGeterrorAndInfo() throws Exception {
    String job = ferry.run("create", "broken").value();
    assertOk(
        ferry.run("addfile", job, origin.url("/absent.bin"), downloads.resolve("a").toString()));
    assertOk(ferry.run("resume", job));

    Cli.Result waited = ferry.run("wait", "-q", job);
    assertThat(waited.code()).as(waited.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(waited.err()).contains(origin.url("/absent.bin")).contains("BG_E_HTTP_ERROR_404");
    assertThat(ferry.run("getstate", job).value())
        .as("wait leaves the job alone")
        .isEqualTo("ERROR");

    List<String> lines = ferry.run("geterror", job).lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .isEqualTo("ERROR FILE: " + origin.url("/absent.bin") + " -> " + downloads.resolve("a"));
    assertThat(lines.get(1)).startsWith("ERROR CODE: 0x80190194 BG_E_HTTP_ERROR_404 - ");
    assertThat(lines.get(2)).startsWith("ERROR CONTEXT: REMOTE_FILE - ");
    ErrorView error =
        Json.mapper().readValue(ferry.run("geterror", job, "--json").out(), ErrorView.class);
    assertThat(error.codeName()).isEqualTo("BG_E_HTTP_ERROR_404");
    assertThat(error.fileIndex()).isZero();
    assertThat(ferry.run("geterrorcount", job).value()).isEqualTo("1");
    assertThat(ferry.run("info", job, "--verbose").out()).contains("ERROR CODE: 0x80190194");
    assertOk(ferry.run("cancel", job));
  }

  @Test
  void settersChangeWhatTheGettersRead() throws Exception {
    String job = ferry.run("create", "props").value();

    assertOk(ferry.run("setpriority", job, "high"));
    assertThat(ferry.run("getpriority", job).value()).isEqualTo("HIGH");
    assertOk(ferry.run("setnotifyflags", job, "0x9"));
    assertThat(ferry.run("getnotifyflags", job).value()).isEqualTo("9");
    assertOk(ferry.run("setnotifycmdline", job, "/bin/echo", "done \"for real\""));
    assertThat(ferry.run("getnotifycmdline", job).value()).isEqualTo("/bin/echo done \"for real\"");
    JobView.CommandLine commandLine =
        Json.mapper()
            .readValue(
                ferry.run("getnotifycmdline", job, "--json").out(), JobView.CommandLine.class);
    assertThat(commandLine).isEqualTo(new JobView.CommandLine("/bin/echo", "done \"for real\""));
    assertOk(ferry.run("setnotifycmdline", job, "NULL"));
    assertThat(ferry.run("getnotifycmdline", job).value()).isEqualTo("NULL");
    assertThat(ferry.run("getnotifycmdline", job, "--json").value()).isEqualTo("null");
    assertOk(ferry.run("setminretrydelay", job, "30"));
    assertThat(ferry.run("getminretrydelay", job).value()).isEqualTo("30");
    assertOk(ferry.run("setnoprogresstimeout", job, "0"));
    assertThat(ferry.run("getnoprogresstimeout", job).value()).isEqualTo("0");
    assertOk(
        ferry.run("setproxysettings", job, "OVERRIDE", "http=proxy.example:3128", "<local> *.lan"));
    assertThat(ferry.run("getproxyusage", job).value()).isEqualTo("OVERRIDE");
    assertThat(ferry.run("getproxylist", job).value()).isEqualTo("http=proxy.example:3128");
    assertThat(ferry.run("getproxybypasslist", job).value()).isEqualTo("<local> *.lan");
    assertOk(ferry.run("setproxysettings", job, "NO_PROXY"));
    assertThat(ferry.run("getproxyusage", job).value()).isEqualTo("NO_PROXY");
    assertThat(ferry.run("getproxylist", job).value()).isEqualTo("NULL");
    assertOk(ferry.run("setcustomheaders", job, "X-Token: abc", "X-Trace: 1"));
    assertThat(ferry.run("getcustomheaders", job).lines())
        .containsExactly("X-Token: abc", "X-Trace: 1");
    assertThat(ferry.run("getcustomheaders", job, "--json").value())
        .isEqualTo("\"X-Token: abc\\r\\nX-Trace: 1\"");
    assertOk(ferry.run("setcustomheaders", job, "NULL"));
    assertThat(ferry.run("getcustomheaders", job).value()).isEqualTo("NULL");
    assertOk(ferry.run("setdescription", job, "built every night"));
    assertThat(ferry.run("getdescription", job).value()).isEqualTo("built every night");
    assertOk(ferry.run("setdisplayname", job, "renamed"));
    assertThat(ferry.run("getdisplayname", "renamed").value()).isEqualTo("renamed");

    JobOwner me = Ferry.currentUser();
    assertThat(ferry.run("getowner", job).value()).isEqualTo(me.name() + " (uid " + me.uid() + ")");
    assertThat(
            Json.mapper()
                .readValue(ferry.run("getowner", job, "--json").out(), JobView.Owner.class))
        .isEqualTo(new JobView.Owner(me.uid(), me.name()));
    assertThat(ferry.run("gettype", job).value()).isEqualTo("DOWNLOAD");
    assertThat(ferry.run("geterrorcount", job).value()).isEqualTo("0");
    assertThat(ferry.run("getbytestotal", job).value()).isEqualTo("0");
    assertThat(ferry.run("getbytestotal", job, "--json").value()).isEqualTo("0");
    Instant created = Instant.parse(ferry.run("getcreationtime", job).value());
    assertThat(Instant.parse(ferry.run("getmodificationtime", job).value()))
        .isAfterOrEqualTo(created);
    assertThat(ferry.run("getstate", job, "--json").value()).isEqualTo("\"SUSPENDED\"");
    assertThat(ferry.run("--json", "getpriority", job).value()).isEqualTo("\"HIGH\"");
  }

  @Test
  void job5PropertiesAreSetAndReadByNameOrNumber() throws Exception {
    String job = ferry.run("create", "five").value();

    assertOk(ferry.run("setproperty", job, "COST_FLAGS", "DWORD", "0x80000021"));
    assertThat(ferry.run("getproperty", job, "1").value()).isEqualTo("2147483681");
    assertThat(
            Json.mapper()
                .readValue(
                    ferry.run("getproperty", job, "cost_flags", "--json").out(),
                    PropertyValue.class))
        .isEqualTo(new PropertyValue("DWORD", "2147483681"));
    assertOk(ferry.run("setproperty", job, "3", "enable", "TRUE"));
    assertThat(ferry.run("getproperty", job, "DYNAMIC_CONTENT").value()).isEqualTo("true");
    assertOk(ferry.run("setproperty", job, "MAX_DOWNLOAD_SIZE", "UINT64", "1048576"));
    assertThat(ferry.run("getproperty", job, "5").value()).isEqualTo("1048576");
    assertOk(ferry.run("setproperty", job, "max_transfer_rate", "UINT64", "8388608"));
    assertThat(ferry.run("getproperty", job, "1001").value()).isEqualTo("8388608");

    assertFails(ferry.run("setproperty", job, "COST_FLAGS", "DWORD", "lots"), "E_INVALIDARG");
    assertThat(ferry.run("getproperty", job, "6").code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void addfilesetAddsEveryListedFileOrNone() throws Exception {
    String job = ferry.run("create", "set").value();
    Path list = tmp.resolve("files.txt");
    Files.writeString(
        list,
        "# two files\n\n"
            + origin.url("/a.bin")
            + " "
            + downloads.resolve("a.bin")
            + "\n"
            + origin.url("/b.bin")
            + "\t"
            + downloads.resolve("b.bin")
            + "\n");
    Cli.Result added = ferry.run("addfileset", job, list.toString());
    assertThat(added.code()).as(added.toString()).isZero();
    assertThat(added.out()).contains("Added 2 file(s)");
    assertThat(ferry.run("getfilestotal", job).value()).isEqualTo("2");

    Path bad = tmp.resolve("bad.txt");
    Files.writeString(
        bad, origin.url("/c.bin") + " " + downloads.resolve("c.bin") + "\njust-a-url\n");
    assertFails(ferry.run("addfileset", job, bad.toString()), "E_INVALIDARG");
    assertFails(
        ferry.run("addfileset", job, tmp.resolve("missing.txt").toString()),
        "ERROR_FILE_NOT_FOUND");
    assertThat(ferry.run("getfilestotal", job).value()).as("nothing of the bad set").isEqualTo("2");
  }

  @Test
  void addfilewithrangesDownloadsOnlyTheRanges() throws Exception {
    Content content = Content.random(300_000, 12);
    origin.put("/ranged.bin", content);
    Path target = downloads.resolve("ranged.bin");
    String job = ferry.run("create", "ranged").value();

    assertOk(
        ferry.run(
            "addfilewithranges",
            job,
            origin.url("/ranged.bin"),
            target.toString(),
            "10:100,200000:eof"));
    assertOk(ferry.run("resume", job));
    assertOk(ferry.run("wait", "-q", job));
    assertOk(ferry.run("complete", job));

    byte[] all = content.bytes();
    byte[] expected = new byte[100 + 100_000];
    System.arraycopy(all, 10, expected, 0, 100);
    System.arraycopy(all, 200_000, expected, 100, 100_000);
    assertThat(Files.readAllBytes(target)).isEqualTo(expected);

    assertFails(
        ferry.run(
            "addfilewithranges",
            ferry.run("create", "bad ranges").value(),
            origin.url("/ranged.bin"),
            downloads.resolve("x.bin").toString(),
            "10-20"),
        "E_INVALIDARG");
  }

  @Test
  void suspendResumeCancelAndResetChangeTheJobs() {
    origin.put("/s.bin", Content.random(1000, 13));
    String one = ferry.run("create", "one").value();
    String two = ferry.run("create", "two").value();
    assertOk(
        ferry.run("addfile", one, origin.url("/s.bin"), downloads.resolve("s.bin").toString()));
    assertOk(ferry.run("resume", one));
    assertOk(ferry.run("suspend", one));
    assertThat(ferry.run("getstate", one).value()).isEqualTo("SUSPENDED");

    Cli.Result cancel = ferry.run("cancel", "two");
    assertThat(cancel.code()).as(cancel.toString()).isZero();
    assertThat(cancel.out()).contains(two).contains("cancelled");
    assertFails(ferry.run("getstate", two), "BG_E_NOT_FOUND");

    String three = ferry.run("create", "three").value();
    Cli.Result reset = ferry.run("reset");
    assertThat(reset.code()).as(reset.toString()).isZero();
    assertThat(reset.out()).contains(one).contains(three).contains("2 out of 2 job(s) cancelled.");
    assertThat(ferry.run("list").value()).isEqualTo("Listed 0 job(s).");
    assertThat(downloads).isEmptyDirectory();
  }

  @Test
  void takeownershipAndAllUsersAreForAdministrators() {
    String job = ferry.run("create", "mine").value();
    Cli.Result take = ferry.run("takeownership", job);
    Cli.Result all = ferry.run("list", "--all-users");
    if (Ferry.currentUser().isAdministrator()) {
      assertThat(take.code()).as(take.toString()).isZero();
      assertThat(all.code()).as(all.toString()).isZero();
      assertThat(all.out()).contains("OWNER").contains(job);
    } else {
      assertThat(take.err()).matches(HRESULT_LINE.formatted("E_ACCESSDENIED"));
      assertThat(all.err()).matches(HRESULT_LINE.formatted("E_ACCESSDENIED"));
    }
  }

  @Test
  void jobsAreNamedByIdWithOrWithoutBracesOrByAUniqueDisplayName() {
    String first = ferry.run("create", "twin").value();
    String second = ferry.run("create", "twin").value();
    String single = ferry.run("create", "single").value();

    assertThat(ferry.run("getdisplayname", "{" + first + "}").value()).isEqualTo("twin");
    assertThat(ferry.run("getdisplayname", second.toUpperCase()).value()).isEqualTo("twin");
    assertThat(ferry.run("info", "single").out()).contains("GUID: " + single);

    Cli.Result ambiguous = ferry.run("getstate", "twin");
    assertThat(ambiguous.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(ambiguous.err())
        .matches(HRESULT_LINE.formatted("E_INVALIDARG"))
        .contains("2 of your jobs are named 'twin'")
        .contains(first)
        .contains(second);
    assertFails(ferry.run("getstate", "nobody"), "BG_E_NOT_FOUND");
    assertFails(ferry.run("getstate", UUID.randomUUID().toString()), "BG_E_NOT_FOUND");
  }

  @Test
  void refusedRequestsExitOneWithTheHresult() {
    String job = ferry.run("create", "empty").value();

    assertFails(ferry.run("resume", job), "BG_E_EMPTY");
    assertFails(ferry.run("geterror", job), "BG_E_ERROR_INFORMATION_UNAVAILABLE");
    assertFails(ferry.run("wait", "-q", job), null);
    assertFails(
        ferry.run("addfile", job, origin.url("/x"), tmp.resolve("no/such/dir/x").toString()),
        "E_INVALIDARG");
    assertFails(ferry.run("setnotifycmdline", job, "relative/prog"), "E_INVALIDARG");
    assertFails(ferry.run("setproxysettings", job, "OVERRIDE"), "E_INVALIDARG");
    assertFails(ferry.run("setnotifyflags", job, "0x100"), "E_NOTIMPL");
    assertFails(ferry.run("create", "--upload", "up"), "E_NOTIMPL");
    assertFails(ferry.run("setdisplayname", job, "x".repeat(300)), "BG_E_STRING_TOO_LONG");
  }

  @Test
  void wrongCommandLinesExitTwo() {
    String job = ferry.run("create", "usage").value();

    for (String[] args :
        new String[][] {
          {},
          {"no-such-verb"},
          {"addfile", job, "http://127.0.0.1/x"},
          {"addfile", job, "gopher://x/y", "/tmp/y"},
          {"setpriority", job, "URGENT"},
          {"setminretrydelay", job, "-5"},
          {"setnoprogresstimeout", job, "soon"},
          {"setnotifyflags", job, "many"},
          {"transfer", "t", "http://127.0.0.1/a", "/tmp/a", "http://127.0.0.1/b"},
          {"monitor", "--refresh", "0"},
          {"create", "--download", "--upload", "x"},
          {"getstate"},
          {"getstate", job, "extra"},
        }) {
      Cli.Result result = ferry.run(args);
      assertThat(result.code())
          .as(String.join(" ", args) + "\n" + result)
          .isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).as(String.join(" ", args)).isNotBlank().doesNotContain("\tat ");
    }
  }

  @Test
  void completeRefusesToDropUntransferredFilesWithoutForce() {
    Content content = Content.random(200_000, 12);
    origin.put("/here.bin", content);
    String job = ferry.run("create", "half").value();
    assertOk(
        ferry.run(
            "addfile", job, origin.url("/here.bin"), downloads.resolve("here.bin").toString()));
    assertOk(
        ferry.run(
            "addfile", job, origin.url("/gone.bin"), downloads.resolve("gone.bin").toString()));
    assertOk(ferry.run("resume", job));
    assertFails(ferry.run("wait", "-q", job), null);
    assertThat(ferry.run("getfilestransferred", job).value()).isEqualTo("1");

    Cli.Result refused = ferry.run("complete", job);
    assertFails(refused, "BG_E_INVALID_STATE");
    assertThat(refused.err()).contains("1 of the 2 file(s)").contains("--force");
    assertThat(ferry.run("getstate", job).value()).as("left as it was").isEqualTo("ERROR");
    assertThat(downloads.resolve("here.bin")).doesNotExist();

    Cli.Result forced = ferry.run("complete", "--force", job);
    assertOk(forced);
    assertThat(forced.out()).contains("BG_S_PARTIAL_COMPLETE");
    assertThat(TestFiles.sha256(downloads.resolve("here.bin"))).isEqualTo(content.sha256());
    assertThat(downloads.resolve("gone.bin")).doesNotExist();
    assertThat(ferry.run("list").value()).isEqualTo("Listed 0 job(s).");
  }

  // --- helpers ----------------------------------------------------------------------------------

  static void assertOk(Cli.Result result) {
    assertThat(result.code()).as(result.toString()).isZero();
  }

  /** Exit 1 with one line {@code ferry: message [NAME 0x…]} (any message when name is null). */
  static void assertFails(Cli.Result result, String hresultName) {
    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err()).as("a message, not a stack trace").doesNotContain("\tat ");
    if (hresultName != null) {
      assertThat(result.err()).as(result.toString()).matches(HRESULT_LINE.formatted(hresultName));
    } else {
      assertThat(result.err()).startsWith("ferry: ");
    }
  }
}
