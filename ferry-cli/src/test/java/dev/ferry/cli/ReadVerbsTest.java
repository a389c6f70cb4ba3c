package dev.ferry.cli;

import static dev.ferry.cli.JobVerbsTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Json;
import dev.ferry.testkit.Content;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** list, info, listfiles and monitor: aligned text for people, the local API's JSON for scripts. */
class ReadVerbsTest extends EmbeddedCliTest {
  private final ObjectMapper json = Json.mapper();

  String alpha;
  String beta;

  @BeforeEach
  void createJobs() {
    alpha = ferry.run("create", "alpha").value();
    beta = ferry.run("create", "beta with spaces").value();
    assertOk(
        ferry.run("addfile", alpha, origin.url("/a.bin"), downloads.resolve("a.bin").toString()));
    assertOk(
        ferry.run(
            "addfilewithranges",
            alpha,
            origin.url("/b.bin"),
            downloads.resolve("b.bin").toString(),
            "0:10,100:eof"));
    assertOk(ferry.run("setdescription", beta, "the second"));
  }

  @Test
  void listPrintsAnAlignedTableOrJobViews() throws Exception {
    Cli.Result text = ferry.run("list");
    assertThat(text.code()).as(text.toString()).isZero();
    List<String> lines = text.lines();
    assertThat(lines.get(0)).matches("ID +STATE +PRIORITY +FILES +BYTES +NAME");
    assertThat(lines).hasSize(4).last().isEqualTo("Listed 2 job(s).");
    int nameColumn = lines.get(0).indexOf("NAME");
    assertThat(lines.get(1)).startsWith(alpha).endsWith("alpha");
    assertThat(lines.get(1).indexOf("alpha")).isEqualTo(nameColumn);
    assertThat(lines.get(2).indexOf("beta with spaces")).isEqualTo(nameColumn);
    assertThat(lines.get(1)).contains("SUSPENDED").contains("0 / 2").contains("0 / UNKNOWN");

    JobView[] views = json.readValue(ferry.run("list", "--json").out(), JobView[].class);
    assertThat(Arrays.stream(views).map(JobView::id)).containsExactly(alpha, beta);
    assertThat(views[0].files()).hasSize(2);
    assertThat(views[1].description()).isEqualTo("the second");
    assertThat(json.readValue(ferry.run("--json", "list").out(), JobView[].class)).hasSize(2);

    Cli.Result verbose = ferry.run("list", "--verbose");
    assertThat(verbose.out())
        .contains("GUID: " + alpha + " DISPLAY: 'alpha'")
        .contains("GUID: " + beta + " DISPLAY: 'beta with spaces'")
        .contains("DESCRIPTION: the second")
        .contains("JOB FILES:");
  }

  @Test
  void infoPrintsBitsadminLinesOrOneJobView() throws Exception {
    Cli.Result brief = ferry.run("info", "alpha");
    assertThat(brief.code()).as(brief.toString()).isZero();
    assertThat(brief.lines()).hasSize(3).first().isEqualTo("GUID: " + alpha + " DISPLAY: 'alpha'");
    assertThat(brief.lines().get(1)).startsWith("TYPE: DOWNLOAD STATE: SUSPENDED OWNER: ");
    assertThat(brief.lines().get(2)).isEqualTo("PRIORITY: NORMAL FILES: 0 / 2 BYTES: 0 / UNKNOWN");

    Cli.Result verbose = ferry.run("info", alpha, "--verbose");
    assertThat(verbose.out())
        .contains("NOTIFY FLAGS: 3 (JOB_TRANSFERRED JOB_ERROR)")
        .contains("MINIMUM RETRY DELAY: 600")
        .contains("PROXY USAGE: PRECONFIG")
        .contains("COMPLETION TIME: NULL")
        .contains(origin.url("/b.bin"))
        .contains("0:10,100:eof");

    JobView view = json.readValue(ferry.run("info", alpha, "--json").out(), JobView.class);
    assertThat(view.id()).isEqualTo(alpha);
    assertThat(view.displayName()).isEqualTo("alpha");
    assertThat(view.state()).isEqualTo("SUSPENDED");
    assertThat(view.progress().filesTotal()).isEqualTo(2);
    assertThat(view.files().get(1).ranges())
        .containsExactly(new FileView.Range(0, 10), new FileView.Range(100, -1));
  }

  @Test
  void listfilesPrintsATableOrFileViews() throws Exception {
    Cli.Result text = ferry.run("listfiles", alpha);
    assertThat(text.code()).as(text.toString()).isZero();
    assertThat(text.lines()).hasSize(3);
    assertThat(text.lines().get(0)).matches("# +STATE +BYTES +RANGES +REMOTE +LOCAL");
    assertThat(text.lines().get(1))
        .matches(
            "0 +WORKING +0 / UNKNOWN +- +"
                + origin.url("/a.bin")
                + " +"
                + downloads.resolve("a.bin"));
    assertThat(text.lines().get(2)).contains("0:10,100:eof");

    FileView[] files =
        json.readValue(ferry.run("listfiles", alpha, "--json").out(), FileView[].class);
    assertThat(files).hasSize(2);
    assertThat(files[0].remoteName()).isEqualTo(origin.url("/a.bin"));
    assertThat(files[0].localName()).isEqualTo(downloads.resolve("a.bin").toString());
    assertThat(files[1].index()).isEqualTo(1);

    assertThat(json.readValue(ferry.run("listfiles", beta, "--json").out(), FileView[].class))
        .isEmpty();
  }

  @Test
  void monitorPrintsOneJsonSnapshotPerRefreshAndTransfersMeanwhile() throws Exception {
    Content content = Content.random(50_000, 21);
    origin.put("/a.bin", content);
    origin.put("/b.bin", Content.random(1_000, 22));
    assertOk(ferry.run("resume", alpha));

    Cli.Result monitor = ferry.run("monitor", "--count", "2", "--refresh", "1", "--json");

    assertThat(monitor.code()).as(monitor.toString()).isZero();
    assertThat(monitor.lines()).hasSize(2);
    for (String line : monitor.lines()) {
      JobView[] snapshot = json.readValue(line, JobView[].class);
      assertThat(Arrays.stream(snapshot).map(JobView::id)).containsExactly(alpha, beta);
    }

    Cli.Result text = ferry.run("monitor", "--count", "1");
    assertThat(text.code()).as(text.toString()).isZero();
    assertThat(text.lines().get(0)).contains("2 job(s) in the embedded engine in ");
    assertThat(text.lines().get(1)).startsWith("ID ");
  }
}
