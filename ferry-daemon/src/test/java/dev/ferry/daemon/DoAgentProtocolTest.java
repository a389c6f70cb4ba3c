package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.HResult;
import dev.ferry.daemon.SdkClient.Reply;
import dev.ferry.engine.Ferry;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Microsoft's DO agent protocol, spoken by {@link SdkClient} exactly as the C++ SDK speaks it, to a
 * real ferryd started with {@code --do-agent-dir}. One daemon and one kept-alive connection serve
 * the class, as one SDK process would use them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoAgentProtocolTest {
  private static final int E_NOT_SET = HResult.E_NOT_SET.value();

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
        assertThat(runDir.resolve("restport." + daemon.pid()))
            .as("the port file is removed on a clean stop")
            .doesNotExist();
      }
    } finally {
      fx.close();
    }
  }

  private String create(String url, Path local) {
    Reply created = sdk.post("create", "Uri", url, "DownloadFilePath", local.toString());
    assertThat(created.status()).as(created.json().toString()).isEqualTo(200);
    String id = created.text("Id");
    assertThat(id).isNotBlank();
    return id;
  }

  private Reply status(String id) {
    Reply status = sdk.get("getstatus", "Id", id);
    assertThat(status.status()).as(status.json().toString()).isEqualTo(200);
    return status;
  }

  private Reply awaitStatus(String id, String state) {
    await(id + " " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(id).text("Status"), state::equals);
    return status(id);
  }

  private void ok(Reply reply) {
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    assertThat(reply.reason()).isEqualTo("OK");
  }

  private static void error(Reply reply, int status, int hresult) {
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(status);
    assertThat(reply.errorCode())
        .as("%s instead of %s", HResult.nameOf(reply.errorCode()), HResult.nameOf(hresult))
        .isEqualTo(hresult);
  }

  @Test
  void thePortFileNamesTheListenerAndOthersMayReadIt() throws IOException {
    Path file = runDir.resolve("restport." + daemon.pid());
    assertThat(Files.readString(file)).isEqualTo(SdkClient.discoverPort(runDir) + "\n");
    assertThat(SdkClient.discoverPort(runDir)).isBetween(50000, 60999);
    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    assertThat(mode).isEqualTo(Ferry.currentUser().isAdministrator() ? "rw-r--r--" : "rw-------");
  }

  @Test
  void createStartPollAndFinalizeGiveTheOriginsBytes() {
    Content content = Content.random(3 << 20, 11);
    fx.origin.put("/whole.bin", content);
    Path local = fx.download("whole.bin");
    String id = create(fx.origin.url("/whole.bin"), local);
    assertThat(status(id).text("Status")).isEqualTo("Created");

    ok(sdk.post("start", "Id", id));
    Reply done = awaitStatus(id, "Transferred");
    assertThat(done.number("BytesTotal")).isEqualTo(3 << 20);
    assertThat(done.number("BytesTransferred")).isEqualTo(3 << 20);
    assertThat(done.errorCode()).isZero();
    assertThat(done.number("ExtendedErrorCode")).isZero();

    ok(sdk.post("finalize", "Id", id));
    assertThat(TestFiles.sha256(local)).isEqualTo(content.sha256());
    // As in the agent, a finalized download is gone.
    error(sdk.get("getstatus", "Id", id), 404, E_NOT_SET);
  }

  @Test
  void pauseThenStartResumesWhereItStopped() {
    Content content = Content.random(4 << 20, 12);
    fx.origin.put("/paused.bin", content);
    fx.origin.fault("/paused.bin", Fault.throttle(512 * 1024));
    Path local = fx.download("paused.bin");
    String id = create(fx.origin.url("/paused.bin"), local);
    ok(sdk.post("start", "Id", id));
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(id).number("BytesTransferred"), n -> n > 0);
    assertThat(status(id).text("Status")).isEqualTo("Transferring");

    ok(sdk.post("pause", "Id", id));
    Reply paused = status(id);
    assertThat(paused.text("Status")).isEqualTo("Paused");
    assertThat(paused.errorCode()).isZero();
    assertThat(paused.number("ExtendedErrorCode")).isZero();
    ok(sdk.post("pause", "Id", id));
    error(sdk.post("finalize", "Id", id), 400, HResult.DO_E_INVALID_STATE.value());

    fx.origin.clearFaults("/paused.bin");
    ok(sdk.post("start", "Id", id));
    awaitStatus(id, "Transferred");
    ok(sdk.post("finalize", "Id", id));
    assertThat(TestFiles.sha256(local)).isEqualTo(content.sha256());
    assertThat(fx.origin.requests("/paused.bin"))
        .as("the resumed transfer asked for the rest only")
        .anySatisfy(r -> assertThat(r.range()).isPresent());
  }

  @Test
  void abortDeletesWhatTheDownloadWrote() throws IOException {
    fx.origin.put("/aborted.bin", Content.random(4 << 20, 13));
    fx.origin.fault("/aborted.bin", Fault.throttle(256 * 1024));
    Path dir = Files.createDirectories(fx.download("aborted"));
    if (Ferry.currentUser().isAdministrator()) {
      DaemonFixture.giveTo(dir, OtherUser.NAME);
    }
    Path local = dir.resolve("aborted.bin");
    String id = create(fx.origin.url("/aborted.bin"), local);
    ok(sdk.post("start", "Id", id));
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(id).number("BytesTransferred"), n -> n > 0);

    ok(sdk.post("abort", "Id", id));
    error(sdk.get("getstatus", "Id", id), 404, E_NOT_SET);
    await("the partial file to go")
        .atMost(PATIENCE)
        .until(() -> {
          try (Stream<Path> left = Files.list(dir)) {
            return left.toList().isEmpty();
          }
        });
  }

  @Test
  void aMissingRemoteFilePausesWithTheError() {
    String id = create(fx.origin.url("/nowhere.bin"), fx.download("nowhere.bin"));
    ok(sdk.post("start", "Id", id));
    await("an error")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(id).errorCode(), code -> code != 0);
    Reply failed = status(id);
    assertThat(failed.text("Status")).isEqualTo("Paused");
    assertThat(failed.errorCode()).isEqualTo(HResult.httpError(404));
    assertThat(failed.text("ExtendedErrorCode"))
        .as("the agent reports the cause once, as ErrorCode")
        .isEqualTo("0");
    ok(sdk.post("abort", "Id", id));
  }

  @Test
  void anUnknownIdIsNotFoundWithTheAgentsCode() {
    String unknown = "{6f3a1b2c-0000-4000-8000-000000000000}";
    error(sdk.get("getstatus", "Id", unknown), 404, E_NOT_SET);
    error(sdk.post("start", "Id", unknown), 404, E_NOT_SET);
    error(sdk.post("start"), 404, E_NOT_SET);
    error(sdk.get("getproperty", "Id", unknown, "PropertyKey", "Uri"), 404, E_NOT_SET);
  }

  @Test
  void propertiesReadAndWriteWithTheAgentsKeysAndMore() {
    Path local = fx.download("props.bin");
    String id = create(fx.origin.url("/props.bin"), local);
    assertThat(sdk.get("getproperty", "Id", id, "PropertyKey", "Id").text("Id")).isEqualTo(id);
    assertThat(sdk.get("getproperty", "Id", id, "PropertyKey", "Uri").text("Uri"))
        .isEqualTo(fx.origin.url("/props.bin"));
    assertThat(
            sdk.get("getproperty", "Id", id, "PropertyKey", "DownloadFilePath")
                .text("DownloadFilePath"))
        .isEqualTo(local.toString());

    String other = fx.origin.url("/props2.bin?a=1&b=two%20words");
    ok(sdk.post("setproperty", "Id", id, "Uri", other));
    assertThat(sdk.get("getproperty", "id", id, "propertykey", "uri").text("uri"))
        .as("names are case-insensitive, values percent-decoded")
        .isEqualTo(other);
    ok(sdk.post("setproperty", "Id", id, "NoProgressTimeoutSeconds", "120"));
    Reply timeout = sdk.get("getproperty", "Id", id, "PropertyKey", "NoProgressTimeoutSeconds");
    assertThat(timeout.json().get("NoProgressTimeoutSeconds").isTextual())
        .as("the agent writes every value as a JSON string")
        .isTrue();
    assertThat(timeout.text("NoProgressTimeoutSeconds")).isEqualTo("120");
    ok(sdk.post("setproperty", "Id", id, "DisplayName", "nightly", "ForegroundPriority", "true"));
    assertThat(sdk.get("getproperty", "Id", id, "PropertyKey", "DisplayName").text("DisplayName"))
        .isEqualTo("nightly");
    assertThat(
            sdk.get("getproperty", "Id", id, "PropertyKey", "ForegroundPriority")
                .text("ForegroundPriority"))
        .isEqualTo("true");
    ok(sdk.post("setproperty", "Id", id, "CostPolicy", "NoRoaming"));
    assertThat(sdk.get("getproperty", "Id", id, "PropertyKey", "CostPolicy").text("CostPolicy"))
        .isEqualTo("3");
    ok(sdk.post("abort", "Id", id));
  }

  @Test
  void badPropertiesAreRefusedWith400() {
    String id = create(fx.origin.url("/bad.bin"), fx.download("bad.bin"));
    error(
        sdk.get("getproperty", "Id", id, "PropertyKey", "Bogus"),
        400,
        HResult.DO_E_UNKNOWN_PROPERTY_ID.value());
    error(sdk.get("getproperty", "Id", id), 400, HResult.E_INVALIDARG.value());
    error(sdk.post("setproperty", "Id", id, "Bogus", "1"), 400, HResult.E_INVALIDARG.value());
    error(
        sdk.post("setproperty", "Id", id, "NoProgressTimeoutSeconds", "9"),
        400,
        HResult.E_INVALIDARG.value());
    ok(sdk.post("setproperty", "Id", id, "NoProgressTimeoutSeconds", "10"));
    error(
        sdk.post("setproperty", "Id", id, "NoProgressTimeoutSeconds", "soon"),
        400,
        HResult.E_INVALIDARG.value());
    String body = "{\"Id\":\"{00000000-0000-0000-0000-000000000000}\"}";
    error(
        sdk.raw(
            "POST download/setproperty?Id="
                + id
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + body.length()
                + "\r\n\r\n"
                + body),
        400,
        HResult.DO_E_READ_ONLY_PROPERTY.value());
    String timeout = "{\"NoProgressTimeoutSeconds\":90}";
    ok(
        sdk.raw(
            "POST download/setproperty?Id="
                + id
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + timeout.length()
                + "\r\n\r\n"
                + timeout));
    assertThat(
            sdk.get("getproperty", "Id", id, "PropertyKey", "NoProgressTimeoutSeconds")
                .number("NoProgressTimeoutSeconds"))
        .as("the agent's JSON body form")
        .isEqualTo(90);
    error(
        sdk.get("getproperty", "Id", id, "PropertyKey", "SecurityFlags"),
        400,
        HResult.DO_E_WRITE_ONLY_PROPERTY.value());
    error(
        sdk.post("setproperty", "Id", id, "CallbackInterface", "x"),
        400,
        HResult.E_INVALIDARG.value());
    ok(sdk.post("abort", "Id", id));
  }

  @Test
  void startWithoutUriOrPathFailsAsInTheAgent() {
    Reply created = sdk.post("create");
    ok(created);
    String id = created.text("Id");
    error(sdk.post("start", "Id", id), 400, HResult.DO_E_DOWNLOAD_NO_URI.value());
    ok(sdk.post("setproperty", "Id", id, "Uri", fx.origin.url("/nopath.bin")));
    error(sdk.post("start", "Id", id), 400, HResult.DO_E_FILE_DOWNLOADSINK_UNSPECIFIED.value());
    ok(sdk.post("abort", "Id", id));
  }

  @Test
  void enumerateListsIdsFilteredByUriOrPath() {
    String a = create(fx.origin.url("/enum-a.bin"), fx.download("enum-a.bin"));
    String b = create(fx.origin.url("/enum-b.bin"), fx.download("enum-b.bin"));
    assertThat(sdk.get("enumerate").ids()).contains(a, b);
    assertThat(sdk.get("enumerate", "Uri", fx.origin.url("/enum-a.bin")).ids()).containsExactly(a);
    assertThat(sdk.get("enumerate", "DownloadFilePath", fx.download("enum-b.bin").toString()).ids())
        .containsExactly(b);
    assertThat(sdk.get("enumerate", "Uri", fx.origin.url("/none")).ids()).isEmpty();
    ok(sdk.post("abort", "Id", a));
    ok(sdk.post("abort", "Id", b));
  }

  @Test
  void originFormTargetsWorkAndUnknownVerbsAreUnsupported() {
    Reply created = sdk.send("POST", "/download/create");
    ok(created);
    ok(sdk.send("POST", "/download/abort?Id=" + created.text("Id")));
    int unsupported = HResult.fromWin32(50);
    error(sdk.send("POST", "download/explode"), 400, unsupported);
    error(sdk.send("GET", "download/create"), 400, unsupported);
    error(sdk.send("GET", "jobs/list"), 400, unsupported);
    error(sdk.send("GET", "download/getstatus?Id=%zz"), 400, HResult.E_INVALIDARG.value());
  }

  /**
   * What the agent's parser cannot take (here: a request line over ferryd's 8 KiB, more than 64
   * headers, a chunked body, a request line that is not one) gets the agent's answer: {@code 400
   * BadRequest} without a body (so without Content-Length), and the connection is closed.
   */
  @Test
  void unreadableRequestsGet400WithoutABodyAndTheConnectionClosed() throws IOException {
    StringBuilder manyHeaders = new StringBuilder("GET download/enumerate HTTP/1.1\r\n");
    for (int i = 0; i < 65; i++) {
      manyHeaders.append("X-Header-").append(i).append(": 1\r\n");
    }
    for (String request :
        new String[] {
          "GET download/getstatus?Id=" + "x".repeat(9000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
          manyHeaders.append("\r\n").toString(),
          "POST download/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
          "NONSENSE\r\n\r\n",
        }) {
      try (SdkClient own = SdkClient.connect(runDir)) {
        Reply refused = own.raw(request);
        assertThat(refused.status()).as(request).isEqualTo(400);
        assertThat(refused.reason()).isEqualTo("BadRequest");
        assertThat(refused.bodySize()).isZero();
        assertThat(refused.headers()).doesNotContainKey("Content-Length");
        assertThat(own.closedByServer()).isTrue();
      }
    }
  }
}
