package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.HResult;
import dev.ferry.daemon.SdkClient.Reply;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ways of Microsoft's agent that programs built on its SDK (and the SDK's own test suite, run
 * by {@code scripts/do-sdk-suite}) rely on, each asked of a real ferryd as the SDK asks: where the
 * destination is made and when, what a failing or retrying download reports, which paths and URLs
 * are taken, and the bytes of the replies. One daemon and one kept-alive connection serve the
 * class, as one SDK process would use them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoAgentDropInTest {
  private static final int ENOENT = HResult.fromErrno(2);
  private static final int EEXIST = HResult.fromErrno(17);

  /** The path of the SDK suite's SimpleDownloadTest_WithMalformedPath. */
  private static final String MALFORMED_PATH =
      "?f309adfasdf///dfasdfj39fjasldfjasdf///           ///.1";

  DaemonFixture fx;
  Path runDir;
  Ferryd daemon;
  SdkClient sdk;

  @BeforeAll
  void startDaemon() {
    fx = new DaemonFixture();
    runDir = fx.dir.resolve("agent-run");
    daemon = fx.startDaemon(fx.agentArguments(runDir).toArray(String[]::new));
    sdk = SdkClient.connect(runDir);
  }

  @AfterAll
  void stopDaemon() {
    try {
      if (sdk != null) {
        sdk.close();
      }
      if (daemon != null) {
        assertThat(daemon.terminate()).as(daemon.log()).isZero();
      }
    } finally {
      fx.close();
    }
  }

  private String create(String url, String local) {
    Reply created = sdk.post("create", "Uri", url, "DownloadFilePath", local);
    ok(created);
    assertThat(created.json().get("Id").isTextual()).isTrue();
    return created.text("Id");
  }

  private String create(String url, Path local) {
    return create(url, local.toString());
  }

  private Reply status(String id) {
    Reply status = sdk.get("getstatus", "Id", id);
    ok(status);
    return status;
  }

  private Reply awaitStatus(String id, String state) {
    await(id + " " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(id).text("Status"), state::equals);
    return status(id);
  }

  private void awaitBytes(String id) {
    await(id + " to make progress")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(id).number("BytesTransferred"), n -> n > 0);
  }

  private static void ok(Reply reply) {
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    assertThat(reply.reason()).isEqualTo("OK");
  }

  private static void error(Reply reply, int status, int hresult) {
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(status);
    assertThat(reply.errorCode())
        .as("%s instead of %s", HResult.nameOf(reply.errorCode()), HResult.nameOf(hresult))
        .isEqualTo(hresult);
  }

  private static boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  /** A slow file, so that a test can pause it while it transfers. */
  private String slow(String name) {
    fx.origin.put("/" + name, Content.random(8 << 20, name.hashCode()));
    fx.origin.fault("/" + name, Fault.throttle(256 * 1024));
    return fx.origin.url("/" + name);
  }

  // 1. A relative or malformed DownloadFilePath is taken at create and fails start with ENOENT.

  @Test
  void aRelativeOrMalformedPathIsTakenAtCreateAndFailsStartWithEnoent() {
    fx.origin.put("/small.bin", Content.random(1837, 1));
    for (String url : List.of(fx.origin.url("/small.bin"), fx.origin.url("/missing.bin"))) {
      for (String path : List.of(MALFORMED_PATH, "relative/x.bin")) {
        String id = create(url, path);
        error(sdk.post("start", "Id", id), 400, ENOENT);
        assertThat(status(id).text("Status")).isEqualTo("Created");
        ok(sdk.post("abort", "Id", id));
      }
    }
  }

  // 2. The destination is created at start and written in place.

  @Test
  void theWholeFileIsInPlaceOnceTransferredBeforeFinalize() throws IOException {
    Content content = Content.random(2 << 20, 2);
    fx.origin.put("/inplace.bin", content);
    Path local = fx.download("inplace.bin");
    String id = create(fx.origin.url("/inplace.bin"), local);
    assertThat(exists(local)).as("nothing is made before start").isFalse();
    ok(sdk.post("start", "Id", id));
    assertThat(exists(local)).as("start creates the destination").isTrue();
    awaitStatus(id, "Transferred");
    assertThat(TestFiles.sha256(local)).isEqualTo(content.sha256());
    try (Stream<Path> files = Files.list(fx.downloads)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file beside it")
          .noneMatch(n -> n.startsWith(".ferry-") || n.endsWith(".part"));
    }
    ok(sdk.post("finalize", "Id", id));
    assertThat(TestFiles.sha256(local)).isEqualTo(content.sha256());
  }

  @Test
  void aFileDeletedWhilePausedFailsTheNextStartWithEnoent() throws IOException {
    Path local = fx.download("deleted.bin");
    String id = create(slow("deleted.bin"), local);
    ok(sdk.post("start", "Id", id));
    awaitBytes(id);
    ok(sdk.post("pause", "Id", id));
    assertThat(status(id).text("Status")).isEqualTo("Paused");
    Files.delete(local);

    error(sdk.post("start", "Id", id), 400, ENOENT);
    assertThat(exists(local)).as("nothing is made anew").isFalse();
    ok(sdk.post("abort", "Id", id));
  }

  /** The SDK suite's Download1PausedDownload2SameDestTest. */
  @Test
  void aSecondDownloadToTheSameDestinationFailsWithEexistAndLeavesTheFirstAlone() {
    Path local = fx.download("twice.bin");
    String first = create(slow("twice.bin"), local);
    ok(sdk.post("start", "Id", first));
    awaitBytes(first);
    ok(sdk.post("pause", "Id", first));
    assertThat(exists(local)).isTrue();

    fx.origin.put("/small2.bin", Content.random(1837, 3));
    String second = create(fx.origin.url("/small2.bin"), local);
    error(sdk.post("start", "Id", second), 400, EEXIST);
    ok(sdk.post("abort", "Id", second));
    assertThat(exists(local))
        .as("the first download's file is not the second's to delete")
        .isTrue();

    ok(sdk.post("abort", "Id", first));
    assertThat(exists(local)).as("abort deletes the file its download created").isFalse();

    String third = create(fx.origin.url("/small2.bin"), local);
    ok(sdk.post("start", "Id", third));
    awaitStatus(third, "Transferred");
    ok(sdk.post("finalize", "Id", third));
    assertThat(local).hasSize(1837);
  }

  // 3. An existing destination fails start with EEXIST and is left alone; a missing directory
  // fails it with ENOENT and is not created.

  @Test
  void anExistingFileIsLeftAloneAndAMissingDirectoryIsNotMade() throws IOException {
    fx.origin.put("/other.bin", Content.random(4096, 4));
    Path existing = fx.download("existing.txt");
    Files.writeString(existing, "keep me\n");
    String id = create(fx.origin.url("/other.bin"), existing);
    error(sdk.post("start", "Id", id), 400, EEXIST);
    error(sdk.post("finalize", "Id", id), 400, HResult.DO_E_INVALID_STATE.value());
    ok(sdk.post("abort", "Id", id));
    assertThat(Files.readString(existing)).isEqualTo("keep me\n");

    Path missing = fx.download("no-such-dir").resolve("x.bin");
    id = create(fx.origin.url("/other.bin"), missing);
    error(sdk.post("start", "Id", id), 400, ENOENT);
    ok(sdk.post("abort", "Id", id));
    assertThat(exists(missing.getParent())).isFalse();
  }

  // 4. A download waiting to retry stays Transferring, with the cause as ErrorCode.

  @Test
  void aDownloadWaitingToRetryIsTransferringWithTheCause() throws IOException {
    int refused;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refused = probe.getLocalPort();
    }
    int cannotConnect = HResult.ERROR_INTERNET_CANNOT_CONNECT.value();
    String id = create("http://127.0.0.1:" + refused + "/x.bin", fx.download("refused.bin"));
    ok(sdk.post("start", "Id", id));
    await("the refused connection to be reported")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(id).errorCode(), code -> code == cannotConnect);
    Reply retrying = status(id);
    assertThat(retrying.text("Status")).isEqualTo("Transferring");
    assertThat(retrying.text("ExtendedErrorCode")).isEqualTo("0");

    ok(sdk.post("pause", "Id", id));
    Reply paused = status(id);
    assertThat(paused.text("Status")).isEqualTo("Paused");
    assertThat(paused.text("ErrorCode")).isEqualTo("0");
    assertThat(paused.text("ExtendedErrorCode")).isEqualTo("0");
    ok(sdk.post("abort", "Id", id));
  }

  // 6. Empty path segments do not count.

  @Test
  void emptyPathSegmentsAreDropped() {
    Reply created = sdk.raw("POST /download/create/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    ok(created);
    String id = created.text("Id");
    ok(sdk.send("GET", "download//getstatus/?Id=" + id));
    ok(sdk.send("POST", "//download/abort?Id=" + id));
    ok(sdk.send("POST", "download//create"));
  }

  // 8. The agent's reason phrases.

  @Test
  void reasonPhrasesAreTheAgents() {
    Reply notFound = sdk.get("getstatus", "Id", "{6f3a1b2c-0000-4000-8000-000000000000}");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.reason()).isEqualTo("NotFound");
    Reply bad = sdk.send("POST", "download/explode");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.reason()).isEqualTo("BadRequest");
    assertThat(bad.json().get("ErrorCode").isIntegralNumber())
        .as("an error reply's ErrorCode is a number, as the agent writes it")
        .isTrue();
  }

  // 10. The agent's no-progress timeout unless the caller sets one.

  @Test
  void theNoProgressTimeoutIsTheAgentsUnlessSet() {
    String id = create(fx.origin.url("/t.bin"), fx.download("t.bin"));
    assertThat(
            sdk.get("getproperty", "Id", id, "PropertyKey", "NoProgressTimeoutSeconds")
                .text("NoProgressTimeoutSeconds"))
        .isEqualTo("300");
    ok(sdk.post("abort", "Id", id));

    Reply created =
        sdk.post(
            "create",
            "Uri",
            fx.origin.url("/t.bin"),
            "DownloadFilePath",
            fx.download("t2.bin").toString(),
            "NoProgressTimeoutSeconds",
            "120");
    ok(created);
    String own = created.text("Id");
    assertThat(
            sdk.get("getproperty", "Id", own, "PropertyKey", "NoProgressTimeoutSeconds")
                .text("NoProgressTimeoutSeconds"))
        .isEqualTo("120");
    ok(sdk.post("abort", "Id", own));
  }

  // 11. http and https only.

  @Test
  void onlyHttpAndHttpsUrlsAreTaken() {
    int invalidUrl = HResult.INET_E_INVALID_URL.value();
    for (String url : List.of("not a url", "ftp://127.0.0.1/x", "file:///etc/hostname")) {
      error(
          sdk.post("create", "Uri", url, "DownloadFilePath", fx.download("u.bin").toString()),
          400,
          invalidUrl);
    }
    String id = create(fx.origin.url("/u.bin"), fx.download("u.bin"));
    error(sdk.post("setproperty", "Id", id, "Uri", "file:///etc/hostname"), 400, invalidUrl);
    ok(sdk.post("abort", "Id", id));
    assertThat(exists(fx.download("u.bin"))).isFalse();
  }

  // Also: every value of a reply is text, as the agent writes its replies.

  @Test
  void statusRepliesCarryEveryValueAsText() {
    fx.origin.put("/text.bin", Content.random(1837, 5));
    String id = create(fx.origin.url("/text.bin"), fx.download("text.bin"));
    ok(sdk.post("start", "Id", id));
    Reply done = awaitStatus(id, "Transferred");
    for (String field :
        List.of("Status", "BytesTotal", "BytesTransferred", "ErrorCode", "ExtendedErrorCode")) {
      assertThat(done.json().get(field).isTextual()).as(field + " in " + done.json()).isTrue();
    }
    assertThat(done.text("BytesTotal")).isEqualTo("1837");
    assertThat(done.text("BytesTransferred")).isEqualTo("1837");
    assertThat(done.text("ErrorCode")).isEqualTo("0");
    ok(sdk.post("finalize", "Id", id));
  }

  // 13. An idle connection is not closed.

  /**
   * The test daemon's transfers count a server silent for 3 s as stalled; an SDK connection idle
   * for longer is still served, on the same socket (the agent never closes an idle one).
   */
  @Test
  void anIdleConnectionIsKept() throws Exception {
    try (SdkClient own = SdkClient.connect(runDir)) {
      ok(own.get("enumerate"));
      Thread.sleep(4_000);
      ok(own.get("enumerate"));
    }
  }
}
