package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static dev.ferry.engine.EngineFixture.sha256;
import static dev.ferry.engine.ResumeTest.assertIsPrefixOf;
import static dev.ferry.engine.ResumeTest.awaitSettled;
import static dev.ferry.engine.ResumeTest.expectError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How transfers fail: each fault of the origin, the network, the proxy or the local disk ends in
 * the documented state with the documented error code and context, and never leaves wrong bytes
 * behind.
 */
class TransferFaultTest {
  private static final int PIECE = 1 << 20;

  @RegisterExtension final EngineFixture fx = new EngineFixture();

  // --- the network
  // --------------------------------------------------------------------------------

  @Test
  void aStalledResponseTimesOutAsATransientTransportError() throws Exception {
    fx.origin.put("/stall.bin", Content.random(100_000, 201));
    fx.origin.fault("/stall.bin", Fault.stall(Duration.ofSeconds(30)));
    BackgroundCopyJob job = fx.alice().createJob("stall");
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/stall.bin"), fx.download("stall.bin").toString());

    job.resume();
    BackgroundCopyError error =
        expectError(job, JobState.TRANSIENT_ERROR, 0x80072EE2, ErrorContext.GENERAL_TRANSPORT);
    assertThat(HResult.ERROR_INTERNET_TIMEOUT.value()).isEqualTo(0x80072EE2);
    assertThat(error.file()).contains(file);
    assertThat(error.protocol()).contains("http");
    assertNothingWritten(file);
  }

  @Test
  void aStallEndsInErrorWhenTheRetryDelayExceedsTheNoProgressTimeout() throws Exception {
    fx.origin.put("/stall.bin", Content.random(100_000, 202));
    fx.origin.fault("/stall.bin", Fault.stall(Duration.ofSeconds(30)));
    BackgroundCopyJob job = fx.alice().createJob("stall, no retry");
    job.setNoProgressTimeout(Duration.ofSeconds(2));
    job.setMinimumRetryDelay(Duration.ofSeconds(5));
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/stall.bin"), fx.download("stall.bin").toString());

    job.resume();
    expectError(
        job,
        JobState.ERROR,
        HResult.ERROR_INTERNET_TIMEOUT.value(),
        ErrorContext.GENERAL_TRANSPORT);
    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(fx.origin.requests("/stall.bin")).as("no retry").hasSize(1);
    assertNothingWritten(file);
  }

  @Test
  void aRefusedConnectionIsATransientTransportError() throws Exception {
    int port = closedPort();
    BackgroundCopyJob job = fx.alice().createJob("refused");
    BackgroundCopyFile file =
        job.addFile("http://127.0.0.1:" + port + "/x.bin", fx.download("x.bin").toString());

    job.resume();
    BackgroundCopyError error =
        expectError(job, JobState.TRANSIENT_ERROR, 0x80072EFD, ErrorContext.GENERAL_TRANSPORT);
    assertThat(HResult.ERROR_INTERNET_CANNOT_CONNECT.value()).isEqualTo(0x80072EFD);
    assertThat(error.file()).contains(file);
    assertThat(fx.download("x.bin")).doesNotExist();
  }

  // --- HTTP status codes
  // ---------------------------------------------------------------------------

  @Test
  void serviceUnavailableWithRetryAfterIsTransient() throws Exception {
    fx.origin.put("/busy.bin", Content.random(10_000, 203));
    fx.origin.fault("/busy.bin", Fault.status(503, Map.of("Retry-After", "3600")));
    BackgroundCopyJob job = fx.alice().createJob("503");
    job.setMinimumRetryDelay(Duration.ofSeconds(5));
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/busy.bin"), fx.download("busy.bin").toString());

    job.resume();
    BackgroundCopyError error =
        expectError(
            job, JobState.TRANSIENT_ERROR, HResult.httpError(503), ErrorContext.REMOTE_FILE);
    assertThat(error.code()).isEqualTo(0x801901F7);
    assertThat(error.file()).contains(file);
    assertThat(job.errorCount()).isEqualTo(1);
    // Retry-After (an hour) outweighs the 5 s minimum retry delay: no retry comes right away.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(10))
        .until(() -> job.state() == JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().code()).isEqualTo(HResult.httpError(503));
    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(fx.origin.requests("/busy.bin")).hasSize(1);
    assertNothingWritten(file);
  }

  @Test
  void anInternalServerErrorIsTransient() throws Exception {
    fx.origin.put("/oops.bin", Content.random(10_000, 204));
    fx.origin.fault("/oops.bin", Fault.status(500));
    BackgroundCopyJob job = fx.alice().createJob("500");
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/oops.bin"), fx.download("oops.bin").toString());

    job.resume();
    BackgroundCopyError error =
        expectError(job, JobState.TRANSIENT_ERROR, 0x801901F4, ErrorContext.REMOTE_FILE);
    assertThat(error.file()).contains(file);
    assertThat(error.protocol()).contains("http");
    assertNothingWritten(file);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {404, 403, 410})
  void clientErrorsAreFatal(int status) throws Exception {
    // For 404 nothing is put at the path: the origin's own 404.
    if (status != 404) {
      fx.origin.put("/missing.bin", Content.random(10_000, 205));
      fx.origin.fault("/missing.bin", Fault.status(status));
    }
    BackgroundCopyJob job = fx.alice().createJob("HTTP " + status);
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/missing.bin"), fx.download("missing.bin").toString());

    job.resume();
    BackgroundCopyError error =
        expectError(job, JobState.ERROR, 0x80190000 + status, ErrorContext.REMOTE_FILE);
    assertThat(error.code()).isEqualTo(HResult.httpError(status));
    assertThat(error.file()).contains(file);
    assertThat(error.file().orElseThrow().remoteName()).isEqualTo(fx.origin.url("/missing.bin"));
    assertThat(error.protocol()).contains("http");
    assertThat(job.errorCount()).isEqualTo(1);
    assertNothingWritten(file);
  }

  // --- malformed or unhelpful responses ----------------------------------------------------------

  @Test
  void aResponseWithoutContentLengthIsFatal() throws Exception {
    fx.origin.put("/chunked.bin", Content.random(50_000, 206));
    fx.origin.fault("/chunked.bin", Fault.noContentLength());
    BackgroundCopyJob job = fx.alice().createJob("no length");
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/chunked.bin"), fx.download("chunked.bin").toString());

    job.resume();
    expectError(job, JobState.ERROR, 0x80200011, ErrorContext.REMOTE_FILE);
    assertThat(HResult.BG_E_MISSING_FILE_SIZE.value()).isEqualTo(0x80200011);
    assertNothingWritten(file);
  }

  @Test
  void fileRangesFromAServerThatIgnoresRangeAreFatal() throws Exception {
    fx.origin.put("/ranges.bin", Content.random(100_000, 207));
    fx.origin.fault("/ranges.bin", Fault.ignoreRange());
    BackgroundCopyJob job = fx.alice().createJob("ranges ignored");
    BackgroundCopyFile file =
        job.addFileWithRanges(
            fx.origin.url("/ranges.bin"),
            fx.download("ranges.bin").toString(),
            List.of(new FileRange(1_000, 5_000), new FileRange(50_000, 100)));

    job.resume();
    expectError(job, JobState.ERROR, 0x80200013, ErrorContext.REMOTE_FILE);
    assertThat(HResult.BG_E_INSUFFICIENT_RANGE_SUPPORT.value()).isEqualTo(0x80200013);
    assertThat(fx.origin.requests("/ranges.bin").get(0).range()).isPresent();
    assertNothingWritten(file);
  }

  @Test
  void aWrongContentRangeOnARangedRequestIsFatal() throws Exception {
    fx.origin.put("/shifted.bin", Content.random(100_000, 208));
    fx.origin.fault("/shifted.bin", Fault.wrongContentRange());
    BackgroundCopyJob job = fx.alice().createJob("wrong content range");
    BackgroundCopyFile file =
        job.addFileWithRanges(
            fx.origin.url("/shifted.bin"),
            fx.download("shifted.bin").toString(),
            List.of(new FileRange(1_000, 5_000)));

    job.resume();
    expectError(job, JobState.ERROR, 0x8020001B, ErrorContext.REMOTE_FILE);
    assertThat(HResult.BG_E_INVALID_SERVER_RESPONSE.value()).isEqualTo(0x8020001B);
    assertThat(fx.origin.requests("/shifted.bin").get(0).range()).contains("bytes=1000-5999");
    assertNothingWritten(file);
  }

  @ParameterizedTest(name = "range {0}")
  @ValueSource(strings = {"10000:100", "10000:eof", "25000:10", "9000:5000"})
  void aRangeBeyondTheEndOfTheRemoteFileIsInvalid(String range) throws Exception {
    fx.origin.put("/small.bin", Content.random(10_000, 209));
    BackgroundCopyJob job = fx.alice().createJob("range beyond the end");
    BackgroundCopyFile file =
        job.addFileWithRanges(
            fx.origin.url("/small.bin"),
            fx.download("small.bin").toString(),
            List.of(FileRange.parse(range)));

    job.resume();
    BackgroundCopyError error =
        expectError(job, JobState.ERROR, 0x8020002B, ErrorContext.REMOTE_FILE);
    assertThat(HResult.BG_E_INVALID_RANGE.value()).isEqualTo(0x8020002B);
    assertThat(error.file()).contains(file);
    assertNothingWritten(file);
  }

  // --- redirects
  // ----------------------------------------------------------------------------------

  @Test
  void aRedirectDownloadsTheTargetsContent() throws Exception {
    Content content = Content.random(300_000, 210);
    fx.origin.put("/moved.bin", content);
    fx.origin.put("/old.bin", Content.random(300_000, 211));
    fx.origin.fault("/old.bin", Fault.redirect(fx.origin.url("/moved.bin"), 302));
    BackgroundCopyJob job = fx.alice().createJob("redirect");
    Path target = fx.download("moved.bin");
    job.addFile(fx.origin.url("/old.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(fx.origin.requests("/old.bin")).hasSize(1);
    assertThat(fx.origin.requests("/moved.bin")).hasSize(1);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void aRedirectLoopFails() throws Exception {
    fx.origin.fault("/a", Fault.redirect(fx.origin.url("/b"), 302));
    fx.origin.fault("/b", Fault.redirect(fx.origin.url("/a"), 302));
    BackgroundCopyJob job = fx.alice().createJob("redirect loop");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/a"), fx.download("a.bin").toString());

    job.resume();
    BackgroundCopyError error =
        expectError(job, JobState.ERROR, 0x80072F7C, ErrorContext.REMOTE_FILE);
    assertThat(HResult.ERROR_INTERNET_REDIRECT_FAILED.value()).isEqualTo(0x80072F7C);
    assertThat(error.file()).contains(file);
    assertThat(fx.origin.requests("/b")).isNotEmpty();
    assertNothingWritten(file);
  }

  // --- the local side
  // -----------------------------------------------------------------------------

  @Test
  void aDestinationDirectoryDeletedWhileSuspendedIsALocalFileError() throws Exception {
    Content content = Content.random(256 * 1024, 212);
    fx.origin.put("/slow.bin", content);
    fx.origin.fault("/slow.bin", Fault.throttle(64 * 1024));
    Path dir = Files.createDirectory(fx.downloads.resolve("gone"));
    BackgroundCopyJob job = fx.alice().createJob("directory gone");
    BackgroundCopyFile file =
        job.addFile(fx.origin.url("/slow.bin"), dir.resolve("f.bin").toString());

    job.resume();
    await().atMost(EngineFixture.PATIENCE).until(() -> file.progress().bytesTransferred() > 0);
    job.suspend();
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    deleteRecursively(dir);

    job.resume();
    BackgroundCopyError error =
        expectError(
            job, JobState.ERROR, HResult.ERROR_PATH_NOT_FOUND.value(), ErrorContext.LOCAL_FILE);
    assertThat(error.file()).contains(file);
    assertThat(dir).as("the job does not recreate the directory").doesNotExist();
  }

  @ParameterizedTest(name = "link target exists: {0}")
  @ValueSource(booleans = {true, false})
  void aSymlinkPlantedAtTheTemporaryPathBeforeTheStartIsReplacedNotWrittenThrough(
      boolean targetExists) throws Exception {
    // FileSink.open: a transfer without progress starts from a file it creates itself.
    Content content = Content.random(64 * 1024, 213);
    fx.origin.put("/s.bin", content);
    Path victim = fx.dir.resolve("victim.txt");
    if (targetExists) {
      Files.writeString(victim, "precious");
    }
    BackgroundCopyJob job = fx.alice().createJob("symlink before start");
    Path target = fx.download("s.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/s.bin"), target.toString());
    Path temp = Path.of(file.temporaryName());
    Files.createSymbolicLink(temp, victim);

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertVictimUntouched(victim, targetExists);
    assertThat(Files.isSymbolicLink(temp)).as("the planted link was replaced").isFalse();

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(Files.isSymbolicLink(target)).isFalse();
    assertThat(sha256(target)).isEqualTo(content.sha256());
    assertVictimUntouched(victim, targetExists);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"symbolic link", "hard link"})
  void aLinkPlantedAtTheTemporaryPathOfAResumedTransferIsRefused(String kind) throws Exception {
    // Big enough that a piece is done before the suspend: a transfer with no done piece starts
    // from a file of its own and simply replaces whatever was planted (tested above).
    fx.origin.put("/slow.bin", Content.random(3L * PIECE, 214));
    fx.origin.fault("/slow.bin", Fault.throttle(PIECE));
    Path victim = Files.writeString(fx.downloads.resolve("victim.txt"), "precious");
    BackgroundCopyJob job = fx.alice().createJob("link on resume");
    Path target = fx.download("slow.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/slow.bin"), target.toString());
    Path temp = Path.of(file.temporaryName());

    job.resume();
    await().atMost(EngineFixture.PATIENCE).until(() -> file.progress().bytesTransferred() > PIECE);
    job.suspend();
    Files.delete(temp);
    if (kind.equals("symbolic link")) {
      Files.createSymbolicLink(temp, victim);
    } else {
      Files.createLink(temp, victim);
    }

    job.resume();
    awaitSettled(job);
    assertVictimUntouched(victim, true);
    BackgroundCopyError error =
        expectError(job, JobState.ERROR, HResult.E_ACCESSDENIED.value(), ErrorContext.LOCAL_FILE);
    assertThat(error.file()).contains(file);

    job.cancel();
    assertVictimUntouched(victim, true);
    assertThat(target).doesNotExist();
  }

  // --- file:// sources
  // ----------------------------------------------------------------------------

  @Test
  void aMissingFileSourceIsARemoteFileError() throws Exception {
    Path missing = fx.dir.resolve("no-such-source.bin");
    BackgroundCopyJob job = fx.alice().createJob("missing file source");
    BackgroundCopyFile file =
        job.addFile(missing.toUri().toString(), fx.download("copy.bin").toString());

    job.resume();
    BackgroundCopyError error =
        expectError(
            job, JobState.ERROR, HResult.ERROR_FILE_NOT_FOUND.value(), ErrorContext.REMOTE_FILE);
    assertThat(error.protocol()).contains("file");
    assertThat(error.file()).contains(file);
    assertThat(fx.download("copy.bin")).doesNotExist();
  }

  @Test
  void aFileSourceThatChangedBetweenTwoRunsStartsOver() throws Exception {
    Path source = fx.dir.resolve("source.bin");
    Content old = Content.random(3L * PIECE, 214);
    Files.write(source, old.bytes());
    BackgroundCopyJob job = fx.alice().createJob("changed file source");
    // The cap stops the first run part-way, after the first piece is done.
    job.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(3L * PIECE / 2));
    Path target = fx.download("copy.bin");
    BackgroundCopyFile file = job.addFile(source.toUri().toString(), target.toString());

    job.resume();
    expectError(
        job,
        JobState.ERROR,
        HResult.BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED.value(),
        ErrorContext.REMOTE_FILE);
    Path temp = Path.of(file.temporaryName());
    assertThat(Files.size(temp)).isGreaterThan(PIECE);
    assertIsPrefixOf(temp, old);

    Content fresh = Content.random(5L * PIECE / 4, 215);
    Files.write(source, fresh.bytes());
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(10)));
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    assertThat(file.progress().bytesTotal()).isEqualTo(fresh.size());
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).as("the new content, not a mix").isEqualTo(fresh.sha256());
  }

  // --- proxies
  // ------------------------------------------------------------------------------------

  @Test
  void anUnreachableOverrideProxyIsATransientTransportError() throws Exception {
    fx.origin.put("/p.bin", Content.random(10_000, 216));
    BackgroundCopyJob job = fx.alice().createJob("dead proxy");
    job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, "127.0.0.1:" + closedPort(), null));
    BackgroundCopyFile file = job.addFile(fx.origin.url("/p.bin"), fx.download("p.bin").toString());

    job.resume();
    expectError(
        job,
        JobState.TRANSIENT_ERROR,
        HResult.ERROR_INTERNET_CANNOT_CONNECT.value(),
        ErrorContext.GENERAL_TRANSPORT);
    assertThat(fx.origin.requests("/p.bin")).as("the request went to the proxy").isEmpty();
    assertNothingWritten(file);
  }

  @ParameterizedTest(name = "bypass {0}")
  @ValueSource(strings = {"127.0.0.1", "127.0.0.*", "example.org;127.0.0.1 <local>"})
  void anOverrideBypassListMatchingTheOriginConnectsDirectly(String bypass) throws Exception {
    Content content = Content.random(100_000, 217);
    fx.origin.put("/p.bin", content);
    BackgroundCopyJob job = fx.alice().createJob("bypassed proxy");
    job.setProxySettings(
        new ProxySettings(ProxyUsage.OVERRIDE, "127.0.0.1:" + closedPort(), bypass));
    Path target = fx.download("p.bin");
    job.addFile(fx.origin.url("/p.bin"), target.toString());

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(fx.origin.requests("/p.bin")).hasSize(1);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void noProxyIgnoresTheEnvironmentProxyThatPreconfigUses() throws Exception {
    fx.restart(
        EngineFixture.testConfig()
            .withEnvironment(Map.of("http_proxy", "http://127.0.0.1:" + closedPort())));
    Content content = Content.random(100_000, 218);
    fx.origin.put("/p.bin", content);

    BackgroundCopyJob viaProxy = fx.alice().createJob("preconfig");
    BackgroundCopyFile proxied =
        viaProxy.addFile(fx.origin.url("/p.bin"), fx.download("proxied.bin").toString());
    viaProxy.resume();
    expectError(
        viaProxy,
        JobState.TRANSIENT_ERROR,
        HResult.ERROR_INTERNET_CANNOT_CONNECT.value(),
        ErrorContext.GENERAL_TRANSPORT);
    assertThat(fx.origin.requests("/p.bin")).isEmpty();
    assertNothingWritten(proxied);

    BackgroundCopyJob direct = fx.alice().createJob("no proxy");
    direct.setProxySettings(new ProxySettings(ProxyUsage.NO_PROXY, null, null));
    Path target = fx.download("direct.bin");
    direct.addFile(fx.origin.url("/p.bin"), target.toString());
    direct.resume();
    awaitState(direct, JobState.TRANSFERRED);
    assertThat(fx.origin.requests("/p.bin")).hasSize(1);
    assertThat(direct.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void anInvalidProxyListIsFatal() throws Exception {
    fx.origin.put("/p.bin", Content.random(10_000, 219));
    BackgroundCopyJob job = fx.alice().createJob("invalid proxy");
    job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, "ftp=foo:1", null));
    BackgroundCopyFile file = job.addFile(fx.origin.url("/p.bin"), fx.download("p.bin").toString());

    job.resume();
    expectError(job, JobState.ERROR, 0x8020003F, ErrorContext.GENERAL_TRANSPORT);
    assertThat(HResult.BG_E_INVALID_PROXY_INFO.value()).isEqualTo(0x8020003F);
    assertThat(fx.origin.requests("/p.bin")).isEmpty();
    assertNothingWritten(file);
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  /** A loopback port that nothing listens on (bound, noted, closed). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Not a single byte reached the disk: the temporary file is absent or empty. */
  private static void assertNothingWritten(BackgroundCopyFile file) throws IOException {
    Path temp = Path.of(file.temporaryName());
    if (Files.exists(temp)) {
      assertThat(Files.size(temp)).as("bytes written to %s", temp).isZero();
    }
    assertThat(Path.of(file.localName())).doesNotExist();
  }

  private static void assertVictimUntouched(Path victim, boolean existed) throws IOException {
    if (existed) {
      assertThat(Files.readString(victim)).isEqualTo("precious");
    } else {
      assertThat(victim).as("nothing created through the link").doesNotExist();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
