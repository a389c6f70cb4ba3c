package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.DashboardView;
import dev.ferry.rest.JobView;
import dev.ferry.testkit.Ferryd;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Who gets the dashboard's data: over TCP, only a caller with the token or with the session cookie
 * the token opened, and the cookie only from the listener's own pages. Plain HTTP, no browser: a
 * browser would refuse to send some of these requests, an attacker's client need not.
 */
class DashboardSecurityTest {
  @Test
  void onlyTheTokenOrItsSessionGetsData() throws Exception {
    try (DaemonFixture fx = new DaemonFixture()) {
      Path tokenFile = fx.dir.resolve("token");
      try (Ferryd daemon = fx.startDaemon("--tcp", "0", "--token-file", tokenFile.toString());
          UnixHttp local = UnixHttp.over(fx.socket)) {
        String id =
            local.post("/v1/jobs", new CreateJobRequest("private", null)).as(JobView.class).id();
        int port = DaemonFixture.tcpPort(daemon);
        String token = Files.readString(tokenFile).strip();
        String host = "127.0.0.1:" + port;
        String origin = "http://" + host;

        // The daemon's user learns the URL on the socket; the TCP listener never tells it.
        DashboardView where = local.get("/v1/dashboard").as(DashboardView.class);
        assertThat(where.url()).isEqualTo(origin + "/ui/#token=" + token);

        try (UnixHttp tcp = UnixHttp.tcp(port)) {
          // The page's files hold no data and are served to anyone.
          UnixHttp.Response page = tcp.get("/ui/");
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.body()).doesNotContain("private").doesNotContain(token);
          assertThat(tcp.get("/ui/vendor/uPlot.iife.min.js").status()).isEqualTo(200);

          // No data without the token: API, events, usage, the login itself.
          String wrong = "Bearer " + "0".repeat(64);
          assertThat(tcp.get("/v1/jobs").status()).isEqualTo(401);
          assertThat(tcp.get("/v1/jobs", "Authorization", wrong).status()).isEqualTo(401);
          assertThat(tcp.get("/v1/usage", "Authorization", wrong).status()).isEqualTo(401);
          assertThat(
                  tcp.get("/v1/events", "Accept", "text/event-stream", "Authorization", wrong)
                      .status())
              .isEqualTo(401);
          assertThat(tcp.post("/ui/session", null, "Authorization", wrong).status()).isEqualTo(401);
          assertThat(tcp.get("/v1/jobs", "Cookie", "ferry-session=" + "1".repeat(64)).status())
              .isEqualTo(401);
          assertThat(tcp.get("/v1/dashboard", "Authorization", "Bearer " + token).status())
              .isEqualTo(403);
        }

        try (UnixHttp browser = UnixHttp.tcp(port)) {
          // The token opens a session: its cookie (kept by the client, as a browser keeps it)
          // then reads the API without the header.
          assertThat(
                  browser
                      .post(
                          "/ui/session", null, "Authorization", "Bearer " + token, "Origin", origin)
                      .status())
              .isEqualTo(204);
          assertThat(browser.get("/v1/jobs/" + id).status()).isEqualTo(200);
          assertThat(browser.get("/v1/usage").status()).isEqualTo(200);
          // A session cannot open another one, nor learn the token.
          assertThat(browser.post("/ui/session", null, "Origin", origin).status()).isEqualTo(401);
          assertThat(browser.get("/v1/dashboard").status()).isEqualTo(403);

          // CSRF and DNS rebinding: the cookie acts only from the listener's own pages.
          assertThat(
                  browser
                      .post("/v1/jobs/" + id + "/suspend", null, "Origin", "http://evil.example")
                      .status())
              .isEqualTo(403);
          assertThat(browser.post("/v1/jobs/" + id + "/suspend", null).status())
              .as("a change without an Origin")
              .isEqualTo(403);
          assertThat(browser.get("/v1/jobs", "Host", "evil.example:" + port).status())
              .isEqualTo(403);
          assertThat(browser.post("/v1/jobs/" + id + "/cancel", null, "Origin", origin).status())
              .isEqualTo(200);
          assertThat(local.get("/v1/jobs/" + id).status()).isEqualTo(404);
        }
        assertThat(daemon.terminate()).isZero();
      }
    }
  }
}
