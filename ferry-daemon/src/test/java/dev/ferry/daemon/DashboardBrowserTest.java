package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static dev.ferry.daemon.DaemonFixture.awaitState;
import static dev.ferry.daemon.DaemonFixture.createJobWithFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.DashboardView;
import dev.ferry.rest.JobView;
import dev.ferry.rest.PolicyView;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium against a real ferryd: the page signs in with the URL
 * the daemon tells its user, shows a transfer from the test origin as it moves, and its buttons and
 * form act on the engine, which the tests check through the API rather than the page. Screenshots
 * go to target/screenshots.
 */
class DashboardBrowserTest {
  private static final Duration POLL = Duration.ofMillis(200);

  DaemonFixture fx;
  Ferryd daemon;
  UnixHttp http;
  Chromium browser;

  @BeforeEach
  void setUp() {
    Chromium.assumeInstalled();
    fx = new DaemonFixture();
    daemon = fx.startDaemon("--tcp", "0", "--token-file", fx.dir.resolve("token").toString());
    http = UnixHttp.over(fx.socket);
    browser = Chromium.start(fx.dir);
  }

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.close();
    }
    if (http != null) {
      http.close();
    }
    if (daemon != null) {
      daemon.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  /** Opens the URL the daemon tells its user, and waits until the page follows the events. */
  private void openDashboard() {
    DashboardView where = http.get("/v1/dashboard").as(DashboardView.class);
    assertThat(where.tcpPort()).isEqualTo(DaemonFixture.tcpPort(daemon));
    browser.driver.get(where.url());
    await("the page to go live")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> text("connection").startsWith("Live"));
    assertThat(browser.driver.getCurrentUrl()).as("the token left the address").doesNotContain("#");
  }

  private String text(String id) {
    return browser.driver.findElement(By.id(id)).getText();
  }

  private List<WebElement> rows() {
    return browser.driver.findElements(By.cssSelector("#jobs tbody tr"));
  }

  private WebElement button(String jobId, String action) {
    return browser.driver.findElement(
        By.cssSelector("tr[data-id='" + jobId + "'] button[data-action='" + action + "']"));
  }

  private double progressOf(String jobId) {
    String value =
        browser
            .driver
            .findElement(By.cssSelector("tr[data-id='" + jobId + "'] progress"))
            .getDomProperty("value");
    return value == null ? 0 : Double.parseDouble(value);
  }

  @Test
  void showsATransferAsItMovesAndSuspendsIt() {
    openDashboard();
    browser.screenshot("dashboard-empty");
    assertThat(rows()).isEmpty();

    Content content = Content.random(16 << 20, 7);
    fx.origin.put("/watched.bin", content);
    // Slow enough that the page sees the transfer under way for a while.
    fx.origin.fault("/watched.bin", Fault.throttle(512 * 1024));
    String id =
        createJobWithFile(http, "watched", fx.origin.url("/watched.bin"), fx.download("w.bin"))
            .id();
    http.post("/v1/jobs/" + id + "/resume", null);

    await("the job's row")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() ->
            !browser.driver.findElements(By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
    await("its progress to show")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> progressOf(id) > 0);
    double first = progressOf(id);
    await("its progress to move on")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> progressOf(id) > first);
    await("its rate to show")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() ->
            browser
                .driver
                .findElement(By.cssSelector("tr[data-id='" + id + "'] td:nth-child(5)"))
                .getText()
                .endsWith("/s"));
    assertThat(browser.driver.findElement(By.cssSelector("tr[data-id='" + id + "']")).getText())
        .contains("watched")
        .contains("TRANSFERRING");

    // The chart's totals: bytes from the origin, none from elsewhere.
    await("the bytes since the start")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> !text("total-start").startsWith("0 B") && !text("total-start").equals("–"));
    assertThat(text("share-start")).isEqualTo("0.0 %");
    assertThat(browser.driver.findElements(By.cssSelector("#chart-start canvas"))).hasSize(1);
    browser.screenshot("dashboard-transferring");

    button(id, "suspend").click();
    awaitState(http, id, "SUSPENDED");
    await("the page to show it suspended")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() ->
            browser
                .driver
                .findElement(By.cssSelector("tr[data-id='" + id + "'] td:nth-child(3)"))
                .getText()
                .equals("SUSPENDED"));
    assertThat(button(id, "resume").isEnabled()).isTrue();
    assertThat(button(id, "suspend").isEnabled()).isFalse();
    browser.screenshot("dashboard-suspended");
  }

  @Test
  void changesThePolicyFromItsForm() {
    http.put(
        "/v1/policy",
        new PolicyView(
            -1,
            -1,
            -1,
            -1,
            List.of(),
            new PolicyView.Cache(List.of("mcc.lan", "10.0.0.9"), 30L, -1L)));
    openDashboard();
    await("the cache hosts to show")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> text("cache-hosts").equals("mcc.lan, 10.0.0.9"));
    assertThat(text("cache-fg")).isEqualTo("after 30 s");
    assertThat(text("cache-bg")).isEqualTo("never");
    WebElement global = browser.driver.findElement(By.id("cap-global"));
    global.clear();
    global.sendKeys("2048");
    browser.driver.findElement(By.id("add-window")).click();
    // The new window's cap: 0 blocks background jobs in it.
    WebElement cap = browser.driver.findElement(By.cssSelector("#windows li:last-child .cap"));
    cap.clear();
    cap.sendKeys("0");
    browser.driver.findElement(By.id("save-policy")).click();
    await("the policy to be saved")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> text("policy-status").startsWith("Saved"));

    PolicyView policy = http.get("/v1/policy").as(PolicyView.class);
    assertThat(policy.global()).isEqualTo(2048L * 1024);
    assertThat(policy.windows()).hasSize(1);
    assertThat(policy.windows().getFirst().background()).isZero();
    assertThat(policy.windows().getFirst().from()).isEqualTo("22:00");
    assertThat(policy.cache().hosts())
        .as("the form leaves the cache hosts as they were")
        .containsExactly("mcc.lan", "10.0.0.9");
    // The week grid shows the window: from 22:00 to 06:00, every day, blocked.
    assertThat(browser.driver.findElements(By.cssSelector("#week td.blocked"))).hasSize(7 * 8);
    browser.screenshot("dashboard-policy");
  }

  @Test
  void aThousandJobsRenderAndStayUsable() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(http.post("/v1/jobs", new CreateJobRequest("job-" + i, null)).as(JobView.class).id());
    }
    openDashboard();
    await("a thousand rows")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> text("job-count").equals("1000 transfers"));
    assertThat(rows()).hasSize(1000);
    browser.screenshot("dashboard-thousand");

    // The keyboard reaches the last row's buttons; Enter on Cancel cancels it in the engine.
    String last = ids.getLast();
    WebElement cancel = button(last, "cancel");
    cancel.sendKeys(Keys.ENTER);
    await("the last job to be cancelled")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> http.get("/v1/jobs/" + last).status() == 404);
    await("its row to go")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> text("job-count").equals("999 transfers"));

    // Still live: a new job appears without reloading.
    String added =
        http.post("/v1/jobs", new CreateJobRequest("one more", null)).as(JobView.class).id();
    await("the new job's row")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() ->
            !browser.driver.findElements(By.cssSelector("tr[data-id='" + added + "']")).isEmpty());
    assertThat(text("job-count")).isEqualTo("1000 transfers");
    browser.screenshot("dashboard-thousand-after");
  }

  @Test
  void aWrongTokenShowsNoData() {
    http.post("/v1/jobs", new CreateJobRequest("secret job", null));
    int port = DaemonFixture.tcpPort(daemon);
    browser.driver.get("http://127.0.0.1:" + port + "/ui/#token=" + "0".repeat(64));
    await("the page to say it is not signed in")
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .until(() -> text("connection").startsWith("Not signed in"));
    assertThat(rows()).isEmpty();
    assertThat(browser.driver.getPageSource()).doesNotContain("secret job");
    browser.screenshot("dashboard-wrong-token");
  }
}
