package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.PATIENCE;
import static dev.ferry.engine.EngineFixture.assertHResult;
import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.AuthTarget;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.CostFlags;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FerryException;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.JobTimes;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job properties: IBackgroundCopyJob5's GetProperty/SetProperty rules ({@code
 * docs/bits-semantics.md#job-properties}), their effect on transfers, and the plain property
 * methods (display name, description, notify flags, retry delay, proxy, custom headers and the
 * like).
 */
class JobPropertiesTest {
  private static final String SMALL = "/small.bin";
  private static final Content SMALL_CONTENT = Content.random(300 * 1024, 21);

  @RegisterExtension final EngineFixture fx = new EngineFixture();
  BackgroundCopyManager alice;

  @BeforeEach
  void start() {
    alice = fx.alice();
    fx.origin.put(SMALL, SMALL_CONTENT);
  }

  private BackgroundCopyJob jobWithFile(String name) {
    BackgroundCopyJob job = alice.createJob(name);
    job.addFile(fx.origin.url(SMALL), fx.download(name + ".bin").toString());
    return job;
  }

  // ================================================================================================
  // Job5 properties: get/set rules
  // ================================================================================================

  static Stream<Arguments> defaults() {
    return Stream.of(
        Arguments.of(
            JobPropertyId.COST_FLAGS, new JobPropertyValue.Dword(CostFlags.TRANSFER_ALWAYS)),
        Arguments.of(JobPropertyId.NOTIFICATION_CLSID, new JobPropertyValue.ClsId(new UUID(0, 0))),
        Arguments.of(JobPropertyId.DYNAMIC_CONTENT, new JobPropertyValue.Enable(false)),
        Arguments.of(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(false)),
        Arguments.of(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(0)),
        Arguments.of(
            JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS, new JobPropertyValue.Dword(500)),
        Arguments.of(JobPropertyId.ON_DEMAND_MODE, new JobPropertyValue.Enable(false)));
  }

  @ParameterizedTest(name = "{0} defaults to {1}")
  @MethodSource("defaults")
  void propertyDefaults(JobPropertyId id, JobPropertyValue expected) {
    BackgroundCopyJob job = alice.createJob("defaults");
    assertThat(job.getProperty(id)).isEqualTo(expected);
  }

  @Test
  void costFlagsDefaultIsTransferAlways() {
    JobPropertyValue value = alice.createJob("cost").getProperty(JobPropertyId.COST_FLAGS);
    assertThat(((JobPropertyValue.Dword) value).value()).isEqualTo(0x800000FF);
  }

  @Test
  void storedCredentialsAreNotSetByDefault() {
    BackgroundCopyJob job = alice.createJob("credentials");
    assertHResult(() -> job.getProperty(JobPropertyId.USE_STORED_CREDENTIALS), HResult.E_NOT_SET);
  }

  static Stream<Arguments> valuesOfEachProperty() {
    return Stream.of(
        Arguments.of(
            JobPropertyId.COST_FLAGS,
            new JobPropertyValue.Dword(CostFlags.TRANSFER_STANDARD),
            new JobPropertyValue.Enable(true)),
        Arguments.of(
            JobPropertyId.NOTIFICATION_CLSID,
            new JobPropertyValue.ClsId(UUID.fromString("4991d34b-80a1-4291-83b6-3328366b9097")),
            new JobPropertyValue.Dword(1)),
        Arguments.of(
            JobPropertyId.DYNAMIC_CONTENT,
            new JobPropertyValue.Enable(true),
            new JobPropertyValue.Dword(1)),
        Arguments.of(
            JobPropertyId.HIGH_PERFORMANCE,
            new JobPropertyValue.Enable(true),
            new JobPropertyValue.Uint64(1)),
        Arguments.of(
            JobPropertyId.MAX_DOWNLOAD_SIZE,
            new JobPropertyValue.Uint64(5_000_000_000L),
            new JobPropertyValue.Dword(5)),
        Arguments.of(
            JobPropertyId.USE_STORED_CREDENTIALS,
            new JobPropertyValue.Target(AuthTarget.PROXY),
            new JobPropertyValue.Dword(AuthTarget.PROXY.value())),
        Arguments.of(
            JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS,
            new JobPropertyValue.Dword(2500),
            new JobPropertyValue.Uint64(2500)),
        Arguments.of(
            JobPropertyId.ON_DEMAND_MODE,
            new JobPropertyValue.Enable(true),
            new JobPropertyValue.Target(AuthTarget.PROXY)));
  }

  @ParameterizedTest(name = "{0} = {1} survives a restart")
  @MethodSource("valuesOfEachProperty")
  void setValuesRoundTripAndPersist(
      JobPropertyId id, JobPropertyValue value, JobPropertyValue wrongType) {
    BackgroundCopyJob job = alice.createJob("round trip");

    job.setProperty(id, value);
    assertThat(job.getProperty(id)).isEqualTo(value);

    fx.restart();
    assertThat(fx.alice().getJob(job.id()).getProperty(id)).isEqualTo(value);
  }

  @ParameterizedTest(name = "{0} rejects {2}")
  @MethodSource("valuesOfEachProperty")
  void aValueOfTheWrongTypeIsInvalid(
      JobPropertyId id, JobPropertyValue value, JobPropertyValue wrongType) {
    BackgroundCopyJob job = alice.createJob("wrong type");
    JobPropertyValue before = readOrNull(job, id);

    assertHResult(() -> job.setProperty(id, wrongType), HResult.E_INVALIDARG);
    assertHResult(() -> job.setProperty(id, null), HResult.E_INVALIDARG);

    assertThat(readOrNull(job, id)).as("unchanged").isEqualTo(before);
  }

  private static JobPropertyValue readOrNull(BackgroundCopyJob job, JobPropertyId id) {
    try {
      return job.getProperty(id);
    } catch (FerryException e) {
      assertThat(e.is(HResult.E_NOT_SET)).as("%s", e).isTrue();
      return null;
    }
  }

  @Test
  void unknownPropertyIdsAreRejected() {
    BackgroundCopyJob job = alice.createJob("unknown");
    assertHResult(() -> JobPropertyId.of(6), HResult.BG_E_UNKNOWN_PROPERTY_ID);
    assertHResult(() -> job.getProperty(null), HResult.BG_E_UNKNOWN_PROPERTY_ID);
    assertHResult(
        () -> job.setProperty(null, new JobPropertyValue.Dword(1)),
        HResult.BG_E_UNKNOWN_PROPERTY_ID);
  }

  @Test
  void theNilClsidClearsTheNotificationClsid() {
    BackgroundCopyJob job = alice.createJob("clsid");
    job.setProperty(
        JobPropertyId.NOTIFICATION_CLSID, new JobPropertyValue.ClsId(UUID.randomUUID()));

    job.setProperty(JobPropertyId.NOTIFICATION_CLSID, new JobPropertyValue.ClsId(new UUID(0, 0)));

    assertThat(job.getProperty(JobPropertyId.NOTIFICATION_CLSID))
        .isEqualTo(new JobPropertyValue.ClsId(new UUID(0, 0)));
    assertHResult(() -> new JobPropertyValue.ClsId(null), HResult.E_INVALIDARG);
  }

  @ParameterizedTest(name = "{0} is read-only after the first Resume")
  @EnumSource(
      value = JobPropertyId.class,
      names = {"DYNAMIC_CONTENT", "MAX_DOWNLOAD_SIZE", "ON_DEMAND_MODE"})
  void resumeOnceProperties(JobPropertyId id) {
    JobPropertyValue value =
        id == JobPropertyId.MAX_DOWNLOAD_SIZE
            ? new JobPropertyValue.Uint64(1 << 20)
            : new JobPropertyValue.Enable(true);
    BackgroundCopyJob job = jobWithFile("resume once");
    JobPropertyValue before = job.getProperty(id);

    job.resume();
    assertHResult(() -> job.setProperty(id, value), HResult.BG_E_READ_ONLY_PROPERTY_AFTER_RESUME);

    job.suspend();
    assertHResult(() -> job.setProperty(id, value), HResult.BG_E_READ_ONLY_PROPERTY_AFTER_RESUME);
    assertThat(job.getProperty(id)).isEqualTo(before);

    fx.restart();
    BackgroundCopyJob reopened = fx.alice().getJob(job.id());
    assertHResult(
        () -> reopened.setProperty(id, value), HResult.BG_E_READ_ONLY_PROPERTY_AFTER_RESUME);
  }

  @Test
  void otherPropertiesStayWritableAfterResume() {
    BackgroundCopyJob job = jobWithFile("after resume");
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    job.setProperty(
        JobPropertyId.COST_FLAGS, new JobPropertyValue.Dword(CostFlags.TRANSFER_UNRESTRICTED));
    job.setProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS, new JobPropertyValue.Dword(0));
    job.setProperty(
        JobPropertyId.USE_STORED_CREDENTIALS, new JobPropertyValue.Target(AuthTarget.PROXY));
    UUID clsid = UUID.randomUUID();
    job.setProperty(JobPropertyId.NOTIFICATION_CLSID, new JobPropertyValue.ClsId(clsid));

    assertThat(job.getProperty(JobPropertyId.COST_FLAGS))
        .isEqualTo(new JobPropertyValue.Dword(CostFlags.TRANSFER_UNRESTRICTED));
    assertThat(job.getProperty(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS))
        .isEqualTo(new JobPropertyValue.Dword(0));
    assertThat(job.getProperty(JobPropertyId.USE_STORED_CREDENTIALS))
        .isEqualTo(new JobPropertyValue.Target(AuthTarget.PROXY));
    assertThat(job.getProperty(JobPropertyId.NOTIFICATION_CLSID))
        .isEqualTo(new JobPropertyValue.ClsId(clsid));
  }

  @Test
  void highPerformanceIsReadOnlyOnceAFileIsAdded() {
    BackgroundCopyJob job = alice.createJob("high performance");
    job.setProperty(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(true));
    job.setProperty(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(false));
    job.addFile(fx.origin.url(SMALL), fx.download("hp.bin").toString());

    assertHResult(
        () -> job.setProperty(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(true)),
        HResult.BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE);
    assertThat(job.getProperty(JobPropertyId.HIGH_PERFORMANCE))
        .isEqualTo(new JobPropertyValue.Enable(false));
  }

  @Test
  void dynamicContentCannotBeCombinedWithRanges() {
    BackgroundCopyJob ranged = alice.createJob("ranged");
    ranged.addFileWithRanges(
        fx.origin.url(SMALL), fx.download("r.bin").toString(), List.of(new FileRange(0, 100)));
    assertHResult(
        () -> ranged.setProperty(JobPropertyId.DYNAMIC_CONTENT, new JobPropertyValue.Enable(true)),
        HResult.BG_E_UNSUPPORTED_JOB_CONFIGURATION);
    assertThat(ranged.getProperty(JobPropertyId.DYNAMIC_CONTENT))
        .isEqualTo(new JobPropertyValue.Enable(false));

    BackgroundCopyJob dynamic = alice.createJob("dynamic");
    dynamic.setProperty(JobPropertyId.DYNAMIC_CONTENT, new JobPropertyValue.Enable(true));
    assertHResult(
        () ->
            dynamic.addFileWithRanges(
                fx.origin.url(SMALL),
                fx.download("d.bin").toString(),
                List.of(new FileRange(0, 100))),
        HResult.BG_E_UNSUPPORTED_JOB_CONFIGURATION);
    assertThat(dynamic.files()).isEmpty();
    assertHResult(
        () -> dynamic.setProperty(JobPropertyId.ON_DEMAND_MODE, new JobPropertyValue.Enable(true)),
        HResult.BG_E_UNSUPPORTED_JOB_CONFIGURATION);
  }

  @Test
  void storedCredentialsAreForTheProxyOnly() {
    BackgroundCopyJob job = alice.createJob("server credentials");

    assertHResult(
        () ->
            job.setProperty(
                JobPropertyId.USE_STORED_CREDENTIALS,
                new JobPropertyValue.Target(AuthTarget.SERVER)),
        HResult.BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED);

    assertHResult(() -> job.getProperty(JobPropertyId.USE_STORED_CREDENTIALS), HResult.E_NOT_SET);
  }

  @Test
  void maxDownloadSizeMustFitASignedLong() {
    BackgroundCopyJob job = alice.createJob("max size");
    assertHResult(
        () -> job.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(-1)),
        HResult.BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE);
  }

  // ================================================================================================
  // Job5 properties: effect on transfers
  // ================================================================================================

  @Test
  void maxDownloadSizeStopsAJobThatDownloadsMore() {
    BackgroundCopyJob job = jobWithFile("capped");
    job.setProperty(JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(100 * 1024));

    job.resume();
    awaitState(job, JobState.ERROR);

    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(HResult.hex(error.code()))
        .isEqualTo(HResult.hex(HResult.BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED.value()));
    assertThat(job.errorCount()).isEqualTo(1);
  }

  @Test
  void maxDownloadSizeEqualToTheFileIsEnough() {
    BackgroundCopyJob job = jobWithFile("exactly");
    job.setProperty(
        JobPropertyId.MAX_DOWNLOAD_SIZE, new JobPropertyValue.Uint64(SMALL_CONTENT.size()));

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(fx.download("exactly.bin"))).isEqualTo(SMALL_CONTENT.sha256());
  }

  @Test
  void highPerformanceWritesStraightToTheDestination() throws Exception {
    BackgroundCopyJob job = alice.createJob("direct");
    job.setProperty(JobPropertyId.HIGH_PERFORMANCE, new JobPropertyValue.Enable(true));
    Path target = fx.download("direct.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url(SMALL), target.toString());

    assertThat(file.temporaryName()).isEqualTo(file.localName());

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(Files.exists(target)).as("written in place, before Complete").isTrue();
    try (Stream<Path> files = Files.list(fx.downloads)) {
      assertThat(files.toList()).as("no temporary file").containsExactly(target);
    }

    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(target)).isEqualTo(SMALL_CONTENT.sha256());
    assertThat(file.progress().completed()).isTrue();
  }

  @Test
  void dynamicContentDownloadsABodyWithoutContentLength() {
    fx.origin.fault(SMALL, Fault.noContentLength());
    BackgroundCopyJob job = jobWithFile("dynamic");
    job.setProperty(JobPropertyId.DYNAMIC_CONTENT, new JobPropertyValue.Enable(true));

    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    assertThat(job.progress().bytesTotal()).isEqualTo(SMALL_CONTENT.size());
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(EngineFixture.sha256(fx.download("dynamic.bin"))).isEqualTo(SMALL_CONTENT.sha256());
  }

  @Test
  void withoutDynamicContentAMissingSizeIsAnError() {
    fx.origin.fault(SMALL, Fault.noContentLength());
    BackgroundCopyJob job = jobWithFile("static");

    job.resume();
    awaitState(job, JobState.ERROR);

    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(HResult.hex(error.code()))
        .isEqualTo(HResult.hex(HResult.BG_E_MISSING_FILE_SIZE.value()));
    assertThat(error.context()).isEqualTo(ErrorContext.REMOTE_FILE);
  }

  // ================================================================================================
  // Plain property methods
  // ================================================================================================

  @Test
  void displayNameIsLimitedTo256Characters() {
    BackgroundCopyJob job = alice.createJob("x".repeat(256));
    assertThat(job.displayName()).hasSize(256);

    assertHResult(() -> job.setDisplayName("y".repeat(257)), HResult.BG_E_STRING_TOO_LONG);
    assertHResult(() -> job.setDisplayName(null), HResult.E_INVALIDARG);
    assertHResult(() -> alice.createJob("z".repeat(257)), HResult.E_INVALIDARG);
    assertHResult(() -> alice.createJob(null), HResult.E_INVALIDARG);
    assertThat(job.displayName()).isEqualTo("x".repeat(256));

    job.setDisplayName("short");
    assertThat(job.displayName()).isEqualTo("short");
  }

  @Test
  void descriptionIsLimitedTo1024Characters() {
    BackgroundCopyJob job = alice.createJob("description");
    assertThat(job.description()).isEmpty();

    job.setDescription("d".repeat(1024));
    assertThat(job.description()).hasSize(1024);
    assertHResult(() -> job.setDescription("e".repeat(1025)), HResult.BG_E_STRING_TOO_LONG);
    assertHResult(() -> job.setDescription(null), HResult.E_INVALIDARG);
    assertThat(job.description()).isEqualTo("d".repeat(1024));
  }

  @Test
  void priorityRoundTrips() {
    BackgroundCopyJob job = alice.createJob("priority");
    assertThat(job.priority()).isEqualTo(JobPriority.NORMAL);

    for (JobPriority priority : JobPriority.values()) {
      job.setPriority(priority);
      assertThat(job.priority()).isEqualTo(priority);
    }
    assertHResult(() -> job.setPriority(null), HResult.E_NOTIMPL);
    assertHResult(() -> JobPriority.of(4), HResult.E_NOTIMPL);
  }

  @Test
  void notifyFlagsRoundTrip() {
    BackgroundCopyJob job = alice.createJob("flags");
    assertThat(job.notifyFlags())
        .containsExactlyInAnyOrder(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_ERROR);

    job.setNotifyFlags(EnumSet.allOf(NotifyFlag.class));
    assertThat(job.notifyFlags()).isEqualTo(EnumSet.allOf(NotifyFlag.class));
    job.setNotifyFlags(EnumSet.noneOf(NotifyFlag.class));
    assertThat(job.notifyFlags()).isEmpty();
    job.setNotifyFlags(Set.of(NotifyFlag.JOB_MODIFICATION, NotifyFlag.FILE_TRANSFERRED));
    assertThat(job.notifyFlags())
        .containsExactlyInAnyOrder(NotifyFlag.JOB_MODIFICATION, NotifyFlag.FILE_TRANSFERRED);
    assertHResult(() -> job.setNotifyFlags(null), HResult.E_INVALIDARG);

    assertThat(NotifyFlag.fromMask(0x0B))
        .containsExactlyInAnyOrder(
            NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_ERROR, NotifyFlag.JOB_MODIFICATION);
    assertThat(NotifyFlag.toMask(EnumSet.allOf(NotifyFlag.class))).isEqualTo(0x3F);
    assertHResult(() -> NotifyFlag.fromMask(0x40), HResult.E_NOTIMPL);
    assertHResult(() -> NotifyFlag.fromMask(0x03 | 0x100), HResult.E_NOTIMPL);
  }

  @Test
  void minimumRetryDelayHasAFloorOfFiveSeconds() {
    BackgroundCopyJob job = alice.createJob("retry delay");
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(600));

    job.setMinimumRetryDelay(Duration.ofSeconds(1));
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(5));
    job.setMinimumRetryDelay(Duration.ZERO);
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(5));
    job.setMinimumRetryDelay(Duration.ofSeconds(60));
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(60));
    assertHResult(() -> job.setMinimumRetryDelay(Duration.ofSeconds(-1)), HResult.E_INVALIDARG);
    assertHResult(() -> job.setMinimumRetryDelay(null), HResult.E_INVALIDARG);
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void noProgressTimeoutRoundTrips() {
    BackgroundCopyJob job = alice.createJob("timeout");
    assertThat(job.noProgressTimeout()).isEqualTo(Duration.ofSeconds(1_209_600));

    job.setNoProgressTimeout(Duration.ofSeconds(30));
    assertThat(job.noProgressTimeout()).isEqualTo(Duration.ofSeconds(30));
    job.setNoProgressTimeout(Duration.ZERO);
    assertThat(job.noProgressTimeout()).isEqualTo(Duration.ZERO);
    assertHResult(() -> job.setNoProgressTimeout(Duration.ofSeconds(-5)), HResult.E_INVALIDARG);
    assertHResult(() -> job.setNoProgressTimeout(null), HResult.E_INVALIDARG);
  }

  @Test
  void proxySettingsAreValidated() {
    BackgroundCopyJob job = alice.createJob("proxy");
    assertThat(job.proxySettings()).isEqualTo(ProxySettings.PRECONFIG);

    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.NO_PROXY, "proxy:8080", null)),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.PRECONFIG, null, "<local>")),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, null, "<local>")),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, "  ", null)),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.setProxySettings(new ProxySettings(ProxyUsage.OVERRIDE, "p".repeat(4001), null)),
        HResult.BG_E_PROXY_LIST_TOO_LARGE);
    assertHResult(
        () ->
            job.setProxySettings(
                new ProxySettings(ProxyUsage.OVERRIDE, "proxy:8080", "b".repeat(4001))),
        HResult.BG_E_PROXY_BYPASS_LIST_TOO_LARGE);
    assertHResult(() -> job.setProxySettings(null), HResult.E_INVALIDARG);
    assertHResult(() -> new ProxySettings(null, null, null), HResult.E_INVALIDARG);
    assertHResult(() -> ProxyUsage.of(7), HResult.E_NOTIMPL);
    assertThat(job.proxySettings()).isEqualTo(ProxySettings.PRECONFIG);

    ProxySettings override =
        new ProxySettings(ProxyUsage.OVERRIDE, "p".repeat(4000), "b".repeat(4000));
    job.setProxySettings(override);
    assertThat(job.proxySettings()).isEqualTo(override);
    ProxySettings direct = new ProxySettings(ProxyUsage.NO_PROXY, null, null);
    job.setProxySettings(direct);
    assertThat(job.proxySettings()).isEqualTo(direct);
  }

  @Test
  void customHeadersAreValidated() {
    BackgroundCopyJob job = alice.createJob("headers");
    assertThat(job.customHeaders()).isNull();
    String headers = "X-Ferry-Token: abc123\r\nX-Other: two";
    job.setCustomHeaders(headers);
    assertThat(job.customHeaders()).isEqualTo(headers);

    assertHResult(() -> job.setCustomHeaders("no colon here"), HResult.E_INVALIDARG);
    assertHResult(() -> job.setCustomHeaders("Bad Name: x"), HResult.E_INVALIDARG);
    assertHResult(() -> job.setCustomHeaders("Range: bytes=0-10"), HResult.E_INVALIDARG);
    assertHResult(() -> job.setCustomHeaders("X-A: 1\r\nhost: example.org"), HResult.E_INVALIDARG);
    assertThat(job.customHeaders()).as("a rejected set changes nothing").isEqualTo(headers);

    job.setCustomHeaders(null);
    assertThat(job.customHeaders()).isNull();
  }

  @Test
  void customHeadersAreSentToTheOrigin() {
    BackgroundCopyJob job = jobWithFile("with headers");
    job.setCustomHeaders("X-Ferry-Token: abc123\r\nX-Other: two");

    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    assertThat(fx.origin.requests(SMALL)).isNotEmpty();
    assertThat(fx.origin.requests(SMALL).get(0).header("X-Ferry-Token")).contains("abc123");
    assertThat(fx.origin.requests(SMALL).get(0).header("X-Other")).contains("two");

    // Cleared headers are no longer sent.
    job.setCustomHeaders(null);
    fx.origin.put("/second.bin", SMALL_CONTENT);
    job.addFile(fx.origin.url("/second.bin"), fx.download("second.bin").toString());
    job.resume();
    await().atMost(PATIENCE).until(() -> job.progress().filesTransferred() == 2);
    awaitState(job, JobState.TRANSFERRED);
    assertThat(fx.origin.requests("/second.bin").get(0).header("X-Ferry-Token")).isEmpty();
  }

  @Test
  void plainPropertiesSurviveARestart() {
    BackgroundCopyJob job = alice.createJob("persisted");
    job.setDisplayName("renamed");
    job.setDescription("a description");
    job.setPriority(JobPriority.LOW);
    job.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_MODIFICATION));
    job.setMinimumRetryDelay(Duration.ofSeconds(42));
    job.setNoProgressTimeout(Duration.ofSeconds(4242));
    ProxySettings proxy = new ProxySettings(ProxyUsage.OVERRIDE, "http=proxy:3128", "<local>");
    job.setProxySettings(proxy);
    job.setCustomHeaders("X-Persisted: yes");

    fx.restart();
    BackgroundCopyJob reopened = fx.alice().getJob(job.id());

    assertThat(reopened.displayName()).isEqualTo("renamed");
    assertThat(reopened.description()).isEqualTo("a description");
    assertThat(reopened.priority()).isEqualTo(JobPriority.LOW);
    assertThat(reopened.notifyFlags()).containsExactly(NotifyFlag.JOB_MODIFICATION);
    assertThat(reopened.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(42));
    assertThat(reopened.noProgressTimeout()).isEqualTo(Duration.ofSeconds(4242));
    assertThat(reopened.proxySettings()).isEqualTo(proxy);
    assertThat(reopened.customHeaders()).isEqualTo("X-Persisted: yes");
  }

  @Test
  void responseHeadersAreAReadOnlyFileProperty() {
    BackgroundCopyJob job = alice.createJob("file property");
    BackgroundCopyFile file = job.addFile(fx.origin.url(SMALL), fx.download("f.bin").toString());
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS)).isEmpty();

    assertHResult(
        () -> file.setProperty(FilePropertyId.HTTP_RESPONSE_HEADERS, "HTTP/1.1 200 OK"),
        HResult.BG_E_READ_ONLY_PROPERTY);
    assertHResult(() -> file.getProperty(null), HResult.BG_E_UNKNOWN_PROPERTY_ID);
    assertHResult(() -> FilePropertyId.of(2), HResult.BG_E_UNKNOWN_PROPERTY_ID);

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    assertThat(file.getProperty(FilePropertyId.HTTP_RESPONSE_HEADERS)).startsWith("HTTP/1.1 200");
  }

  @Test
  void jobTimes() {
    Instant before = Instant.now().minusMillis(1);
    BackgroundCopyJob job = jobWithFile("times");
    JobTimes created = job.times();
    assertThat(created.creationTime()).isAfterOrEqualTo(before).isBeforeOrEqualTo(Instant.now());
    assertThat(created.modificationTime()).isAfterOrEqualTo(created.creationTime());
    assertThat(created.transferCompletionTime()).isEmpty();

    await()
        .atMost(PATIENCE)
        .until(() -> Instant.now().isAfter(created.modificationTime().plusMillis(5)));
    job.setDescription("touched");
    JobTimes touched = job.times();
    assertThat(touched.creationTime()).isEqualTo(created.creationTime());
    assertThat(touched.modificationTime()).isAfter(created.modificationTime());

    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    JobTimes done = job.times();
    assertThat(done.transferCompletionTime()).isPresent();
    assertThat(done.transferCompletionTime().get())
        .isAfterOrEqualTo(touched.modificationTime())
        .isBeforeOrEqualTo(Instant.now());
    assertThat(done.modificationTime()).isAfterOrEqualTo(touched.modificationTime());
    assertThat(done.creationTime()).isEqualTo(created.creationTime());
  }

  /** A setter (or other change) applied to a SUSPENDED job with one file. */
  @FunctionalInterface
  interface Change {
    void apply(BackgroundCopyJob job, EngineFixture fx);
  }

  static Stream<Arguments> changes() {
    return Stream.of(
        change("setDisplayName", (j, f) -> j.setDisplayName("renamed")),
        change("setDescription", (j, f) -> j.setDescription("described")),
        change("setPriority", (j, f) -> j.setPriority(JobPriority.HIGH)),
        change("setNotifyFlags", (j, f) -> j.setNotifyFlags(EnumSet.of(NotifyFlag.JOB_ERROR))),
        change(
            "setNotifyInterface",
            (j, f) -> j.setNotifyInterface(new dev.ferry.api.BackgroundCopyCallback() {})),
        change("setMinimumRetryDelay", (j, f) -> j.setMinimumRetryDelay(Duration.ofSeconds(30))),
        change("setNoProgressTimeout", (j, f) -> j.setNoProgressTimeout(Duration.ofSeconds(30))),
        change(
            "setProxySettings",
            (j, f) -> j.setProxySettings(new ProxySettings(ProxyUsage.NO_PROXY, null, null))),
        change("setCustomHeaders", (j, f) -> j.setCustomHeaders("X-Changed: 1")),
        change(
            "setProperty",
            (j, f) ->
                j.setProperty(
                    JobPropertyId.COST_FLAGS,
                    new JobPropertyValue.Dword(CostFlags.TRANSFER_STANDARD))),
        change(
            "addFile",
            (j, f) -> j.addFile(f.origin.url(SMALL), f.download("another.bin").toString())),
        change("file.setRemoteName", (j, f) -> j.files().get(0).setRemoteName(f.origin.url("/x"))),
        change("suspend", (j, f) -> j.suspend()));
  }

  private static Arguments change(String name, Change change) {
    return Arguments.of(name, change);
  }

  /**
   * ModificationTime is updated by adding files, any Set* call and Suspend ({@code
   * docs/bits-semantics.md#times}).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void everyChangeAdvancesTheModificationTime(String name, Change change) {
    BackgroundCopyJob job = jobWithFile("modified");
    Instant before = job.times().modificationTime();
    await().atMost(PATIENCE).until(() -> Instant.now().isAfter(before.plusMillis(5)));

    change.apply(job, fx);

    assertThat(job.times().modificationTime()).as("after " + name).isAfter(before);
  }

  @Test
  void errorDescriptionsAreInEnglishOnly() {
    String text = alice.getErrorDescription(HResult.BG_E_NOT_FOUND.value(), Locale.ENGLISH);
    assertThat(text).isEqualTo(HResult.BG_E_NOT_FOUND.message()).isNotBlank();
    assertThat(alice.getErrorDescription(HResult.BG_E_NOT_FOUND.value(), Locale.US))
        .isEqualTo(text);
    assertThat(alice.getErrorDescription(HResult.httpError(404), Locale.ENGLISH)).contains("404");

    assertThatThrownBy(
            () -> alice.getErrorDescription(HResult.BG_E_NOT_FOUND.value(), Locale.GERMAN))
        .isInstanceOf(FerryException.class)
        .satisfies(e -> assertThat(((FerryException) e).hresult()).isEqualTo(0x80070717));

    BackgroundCopyJob job = alice.createJob("error text");
    job.addFile(fx.origin.url("/missing.bin"), fx.download("missing.bin").toString());
    job.resume();
    awaitState(job, JobState.ERROR);
    BackgroundCopyError error = job.error().orElseThrow();
    assertThat(error.errorDescription(Locale.ENGLISH)).contains("404");
    assertHResult(
        () -> error.errorDescription(Locale.GERMAN), HResult.ERROR_RESOURCE_LANG_NOT_FOUND);
    assertHResult(
        () -> error.contextDescription(Locale.GERMAN), HResult.ERROR_RESOURCE_LANG_NOT_FOUND);
  }
}
