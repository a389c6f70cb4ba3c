package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry dashboard} against real daemons, with a loopback listener and without one. */
class DashboardCommandTest {
  @TempDir Path tmp;

  @Test
  void printsTheAddressWithTheTokenThatOpensThePage() throws Exception {
    Path socketDir = TestFiles.shortTempDir("fd");
    Path socket = socketDir.resolve("ferryd.sock");
    Path tokenFile = tmp.resolve("token");
    try (Ferryd daemon =
        Cli.ferryd(socket, tmp.resolve("data"))
            .options("--tcp", "0", "--token-file", tokenFile.toString())
            .start()) {
      Cli.Result result = new Cli("--socket", socket.toString()).run("dashboard", "--no-browser");
      assertThat(result.code()).as(result.toString()).isZero();
      String token = Files.readString(tokenFile).strip();
      String url = result.value();
      assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/ui/#token=" + token);

      // The address serves the page, and its token opens a session.
      URI page = URI.create(url.substring(0, url.indexOf('#')));
      try (HttpClient client = HttpClient.newHttpClient()) {
        HttpResponse<String> html =
            client.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).contains("Ferry activity");
        HttpResponse<Void> login =
            client.send(
                HttpRequest.newBuilder(page.resolve("session"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(login.statusCode()).isEqualTo(204);
        assertThat(login.headers().firstValue("Set-Cookie").orElseThrow())
            .contains("HttpOnly")
            .contains("SameSite=Strict");
      }
    } finally {
      TestFiles.deleteTree(socketDir);
    }
  }

  @Test
  void saysHowToStartADaemonWithAListener() {
    Path socketDir = TestFiles.shortTempDir("fd");
    Path socket = socketDir.resolve("ferryd.sock");
    try (Ferryd daemon = Cli.ferryd(socket, tmp.resolve("data")).start()) {
      Cli.Result result = new Cli("--socket", socket.toString()).run("dashboard");
      assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(result.out()).isEmpty();
      assertThat(result.err()).contains("has no TCP listener").contains("ferry daemon --tcp 0");
    } finally {
      TestFiles.deleteTree(socketDir);
    }

    Cli.Result none =
        new Cli("--socket", socketDir.resolve("nobody.sock").toString()).run("dashboard");
    assertThat(none.code()).as(none.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(none.err()).contains("no ferryd answers").contains("ferry daemon --tcp 0");
  }

  @Test
  void opensABrowserOnlyInAGraphicalSessionAtATerminal() {
    // The tests' standard output is not a terminal, so never a browser, whatever the display.
    assertThat(DashboardCommand.opener(Map.of("DISPLAY", ":0", "PATH", "/usr/bin:/bin"))).isEmpty();
    assertThat(DashboardCommand.opener(Map.of("PATH", "/usr/bin:/bin"))).isEmpty();
  }
}
