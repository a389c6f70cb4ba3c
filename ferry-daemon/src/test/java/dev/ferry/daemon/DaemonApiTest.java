package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static dev.ferry.daemon.DaemonFixture.awaitState;
import static dev.ferry.daemon.DaemonFixture.createJobWithFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ferry.api.HResult;
import dev.ferry.engine.Ferry;
import dev.ferry.rest.AddFilesRequest;
import dev.ferry.rest.Caller;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.Description;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobPatch;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Problem;
import dev.ferry.rest.PropertyValue;
import dev.ferry.rest.RemoteNameRequest;
import dev.ferry.rest.Result;
import dev.ferry.rest.Routes;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every route of the local API against one real daemon process, over its Unix socket. The jobs
 * belong to the user running the tests: the daemon sees that uid in the socket's credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonApiTest {
  static final TypeReference<List<JobView>> JOBS = new TypeReference<>() {};
  static final TypeReference<List<FileView>> FILES = new TypeReference<>() {};

  DaemonFixture fx;
  Ferryd daemon;
  UnixHttp http;
  final Content small = Content.random(300_000, 7);
  final Content big = Content.random(3 << 20, 8);

  @BeforeAll
  void start() {
    fx = new DaemonFixture();
    fx.origin.put("/small.bin", small);
    fx.origin.put("/big.bin", big);
    daemon = fx.startDaemon();
    http = UnixHttp.over(fx.socket);
  }

  @AfterAll
  void stop() {
    if (http != null) {
      http.close();
    }
    if (daemon != null) {
      assertThat(daemon.terminate()).as(daemon.log()).isZero();
    }
    fx.close();
  }

  private String url(String path) {
    return fx.origin.url(path);
  }

  private static void assertProblem(UnixHttp.Response response, int status, HResult code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/json");
    Problem problem = response.problem();
    assertThat(problem.name()).isEqualTo(code.name());
    assertThat(problem.hresult()).isEqualTo(code.value());
    assertThat(problem.message()).isNotBlank();
  }

  // --- the whole life of a job -------------------------------------------------------------

  @Test
  void transfersAFileFromCreationToCompletion() {
    Path local = fx.download("end-to-end.bin");
    JobView job = createJobWithFile(http, "end to end", url("/small.bin"), local);
    assertThat(job.state()).isEqualTo("SUSPENDED");
    assertThat(http.post("/v1/jobs/" + job.id() + "/resume", null).as(Result.class).name())
        .isEqualTo("S_OK");
    JobView done = awaitState(http, job.id(), "TRANSFERRED");
    assertThat(done.progress().bytesTransferred()).isEqualTo(small.size());
    assertThat(done.times().transferred()).isNotNull();
    var completed = http.post("/v1/jobs/" + job.id() + "/complete", null);
    assertThat(completed.status()).isEqualTo(200);
    assertThat(completed.as(Result.class)).isEqualTo(Result.of(HResult.S_OK));
    assertThat(TestFiles.sha256(local)).isEqualTo(small.sha256());
    // Complete makes the job final, so it is no longer found or listed.
    assertProblem(http.get("/v1/jobs/" + job.id()), 404, HResult.BG_E_NOT_FOUND);
    assertThat(http.get("/v1/jobs").as(JOBS)).extracting(JobView::id).doesNotContain(job.id());
  }

  @Test
  void theBandwidthPolicyIsReadAndReplacedLive() {
    var policy =
        new dev.ferry.rest.PolicyView(
            4L << 20,
            -1,
            1L << 20,
            128 * 1024,
            List.of(
                new dev.ferry.rest.PolicyView.Window(
                    List.of("MONDAY", "FRIDAY"), "08:00", "17:30", 0)));
    // The answer shows the cache hosts too, which a PUT without them leaves as they are.
    var noCache = new dev.ferry.rest.PolicyView.Cache(List.of(), null, null);
    assertThat(http.put("/v1/policy", policy).as(dev.ferry.rest.PolicyView.class))
        .isEqualTo(withCache(policy, noCache));
    assertThat(http.get("/v1/policy").as(dev.ferry.rest.PolicyView.class))
        .isEqualTo(withCache(policy, noCache));
    assertProblem(
        http.put("/v1/policy", new dev.ferry.rest.PolicyView(0, -1, -1, -1, List.of())),
        400,
        HResult.E_INVALIDARG);
    var unlimited = new dev.ferry.rest.PolicyView(-1, -1, -1, 256 * 1024, List.of());
    assertThat(http.put("/v1/policy", unlimited).as(dev.ferry.rest.PolicyView.class))
        .isEqualTo(withCache(unlimited, noCache));

    var cached =
        withCache(
            unlimited,
            new dev.ferry.rest.PolicyView.Cache(List.of("c1", "[fd00::1]:80"), -1L, 30L));
    assertThat(http.put("/v1/policy", cached).as(dev.ferry.rest.PolicyView.class))
        .isEqualTo(cached);
    assertProblem(
        http.put(
            "/v1/policy",
            withCache(
                unlimited, new dev.ferry.rest.PolicyView.Cache(List.of("http://c/"), null, null))),
        400,
        HResult.E_INVALIDARG);
    assertThat(http.get("/v1/policy").as(dev.ferry.rest.PolicyView.class))
        .as("a refused change changes nothing")
        .isEqualTo(cached);
  }

  private static dev.ferry.rest.PolicyView withCache(
      dev.ferry.rest.PolicyView policy, dev.ferry.rest.PolicyView.Cache cache) {
    return new dev.ferry.rest.PolicyView(
        policy.global(),
        policy.foreground(),
        policy.background(),
        policy.backgroundWhileForeground(),
        policy.windows(),
        cache);
  }

  @Test
  void whoamiIsThePeerOfTheSocket() {
    var me = Ferry.currentUser();
    Caller caller = http.get("/v1/whoami").as(Caller.class);
    assertThat(caller).isEqualTo(new Caller(me.uid(), me.name(), me.uid() == 0));
  }

  @Test
  void listsAndReadsTheCallersJobs() {
    JobView job =
        http.post("/v1/jobs", new CreateJobRequest("listed", "DOWNLOAD")).as(JobView.class);
    assertThat(job.owner().uid()).isEqualTo(Ferry.currentUser().uid());
    assertThat(job.type()).isEqualTo("DOWNLOAD");
    assertThat(http.get("/v1/jobs").as(JOBS)).extracting(JobView::id).contains(job.id());
    assertThat(http.get("/v1/jobs?allUsers=false").as(JOBS))
        .extracting(JobView::id)
        .contains(job.id());
    var all = http.get("/v1/jobs?allUsers=true");
    if (Ferry.currentUser().isAdministrator()) {
      assertThat(all.as(JOBS)).extracting(JobView::id).contains(job.id());
    } else {
      assertProblem(all, 403, HResult.E_ACCESSDENIED);
    }
    JobView read = http.get("/v1/jobs/" + job.id()).as(JobView.class);
    assertThat(read.displayName()).isEqualTo("listed");
    assertThat(read.state()).isEqualTo("SUSPENDED");
    assertThat(http.post("/v1/jobs/" + job.id() + "/cancel", null).as(Result.class).name())
        .isEqualTo("S_OK");
  }

  @Test
  void jobsReadWithoutTheirFilesOnRequest() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("summary", null)).as(JobView.class);
    http.post(
        "/v1/jobs/" + job.id() + "/files",
        new AddFilesRequest(
            List.of(
                new AddFilesRequest.NewFile(
                    url("/small.bin"), fx.download("summary-a.bin").toString(), null),
                new AddFilesRequest.NewFile(
                    url("/small.bin"), fx.download("summary-b.bin").toString(), null))));

    var summary = http.get("/v1/jobs/" + job.id() + "?files=false");
    assertThat(summary.status()).as(summary.body()).isEqualTo(200);
    assertThat(summary.body()).doesNotContain("\"files\"");
    JobView read = summary.as(JobView.class);
    assertThat(read.files()).isNull();
    assertThat(read.progress().filesTotal()).isEqualTo(2);
    assertThat(read.displayName()).isEqualTo("summary");
    assertThat(http.get("/v1/jobs/" + job.id()).as(JobView.class).files()).hasSize(2);
    assertThat(http.get("/v1/jobs/" + job.id() + "?files=true").as(JobView.class).files())
        .hasSize(2);

    List<JobView> listed = http.get("/v1/jobs?files=false").as(JOBS);
    assertThat(listed).extracting(JobView::id).contains(job.id());
    assertThat(listed).allSatisfy(view -> assertThat(view.files()).isNull());
    assertThat(http.get("/v1/jobs").as(JOBS))
        .filteredOn(view -> view.id().equals(job.id()))
        .singleElement()
        .satisfies(view -> assertThat(view.files()).hasSize(2));

    assertProblem(http.get("/v1/jobs/" + job.id() + "?files=no"), 400, HResult.E_INVALIDARG);
    http.post("/v1/jobs/" + job.id() + "/cancel", null);
  }

  @Test
  void patchAppliesEverySetter() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("before", null)).as(JobView.class);
    JobPatch patch =
        new JobPatch(
            "after",
            "a description",
            "HIGH",
            0x1 | 0x2 | 0x8,
            30L,
            3600L,
            new JobView.Proxy("OVERRIDE", "http://proxy.example:3128", "<local>"),
            "X-One: 1\r\nX-Two: 2",
            null,
            new JobView.CommandLine("/bin/true", "a b"),
            null);
    var patched = http.patch("/v1/jobs/" + job.id(), patch);
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    JobView view = patched.as(JobView.class);
    assertThat(view.displayName()).isEqualTo("after");
    assertThat(view.description()).isEqualTo("a description");
    assertThat(view.priority()).isEqualTo("HIGH");
    assertThat(view.notifyFlags()).isEqualTo(0xB);
    assertThat(view.minimumRetryDelaySeconds()).isEqualTo(30);
    assertThat(view.noProgressTimeoutSeconds()).isEqualTo(3600);
    assertThat(view.proxy())
        .isEqualTo(new JobView.Proxy("OVERRIDE", "http://proxy.example:3128", "<local>"));
    assertThat(view.customHeaders()).isEqualTo("X-One: 1\r\nX-Two: 2");
    assertThat(view.notifyCmdLine()).isEqualTo(new JobView.CommandLine("/bin/true", "a b"));
    assertThat(http.get("/v1/jobs/" + job.id()).as(JobView.class)).isEqualTo(view);

    JobPatch clear =
        new JobPatch(
            null,
            null,
            null,
            null,
            null,
            null,
            new JobView.Proxy("NO_PROXY", null, null),
            null,
            true,
            null,
            true);
    JobView cleared = http.patch("/v1/jobs/" + job.id(), clear).as(JobView.class);
    assertThat(cleared.customHeaders()).isNull();
    assertThat(cleared.notifyCmdLine()).isNull();
    assertThat(cleared.proxy().usage()).isEqualTo("NO_PROXY");
    assertThat(cleared.displayName()).isEqualTo("after");
    // An empty patch changes nothing.
    assertThat(http.patch("/v1/jobs/" + job.id(), "{}").as(JobView.class).displayName())
        .isEqualTo("after");
    http.post("/v1/jobs/" + job.id() + "/cancel", null);
  }

  @Test
  void patchStopsAtTheFirstFailingSetter() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("partial", null)).as(JobView.class);
    var failed =
        http.patch(
            "/v1/jobs/" + job.id(),
            Map.of("displayName", "renamed", "priority", "URGENT", "description", "kept?"));
    assertProblem(failed, 400, HResult.E_INVALIDARG);
    JobView after = http.get("/v1/jobs/" + job.id()).as(JobView.class);
    // displayName and description come before priority in JobPatch: both applied.
    assertThat(after.displayName()).isEqualTo("renamed");
    assertThat(after.description()).isEqualTo("kept?");
    assertThat(after.priority()).isEqualTo("NORMAL");
    http.post("/v1/jobs/" + job.id() + "/cancel", null);
  }

  @Test
  void filesCanBeAddedListedAndRenamed() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("files", null)).as(JobView.class);
    String files = "/v1/jobs/" + job.id() + "/files";
    var added =
        http.post(
            files,
            new AddFilesRequest(
                List.of(
                    new AddFilesRequest.NewFile(
                        url("/small.bin"), fx.download("set-a.bin").toString(), null),
                    new AddFilesRequest.NewFile(
                        url("/missing.bin"), fx.download("set-b.bin").toString(), null))));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    assertThat(added.as(FILES)).extracting(FileView::index).containsExactly(0, 1);
    List<FileView> listed = http.get(files).as(FILES);
    assertThat(listed)
        .extracting(FileView::localName)
        .containsExactly(fx.download("set-a.bin").toString(), fx.download("set-b.bin").toString());
    assertThat(listed.get(0).temporaryName()).contains(".ferry-");

    var renamed = http.put(files + "/1/remote-name", new RemoteNameRequest(url("/small.bin")));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.as(FileView.class).remoteName()).isEqualTo(url("/small.bin"));
    assertThat(http.get(files).as(FILES).get(1).remoteName()).isEqualTo(url("/small.bin"));

    // Before the first response the headers property is an empty string.
    assertThat(http.get(files + "/0/properties/1").as(PropertyValue.class))
        .isEqualTo(PropertyValue.string(""));
    http.post("/v1/jobs/" + job.id() + "/resume", null);
    awaitState(http, job.id(), "TRANSFERRED");
    PropertyValue headers = http.get(files + "/0/properties/1").as(PropertyValue.class);
    assertThat(headers.type()).isEqualTo("STRING");
    assertThat(headers.value()).containsIgnoringCase("content-length");
    assertThat(http.post("/v1/jobs/" + job.id() + "/complete", null).as(Result.class).name())
        .isEqualTo("S_OK");
    assertThat(TestFiles.sha256(fx.download("set-b.bin"))).isEqualTo(small.sha256());
  }

  @Test
  void aSingleFileWithRangesDownloadsOnlyThoseRanges() throws Exception {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("ranges", null)).as(JobView.class);
    Path local = fx.download("ranges.bin");
    var added =
        http.post(
            "/v1/jobs/" + job.id() + "/files",
            new AddFilesRequest(
                List.of(
                    new AddFilesRequest.NewFile(
                        url("/small.bin"),
                        local.toString(),
                        List.of(new FileView.Range(10, 100), new FileView.Range(1000, -1))))));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    assertThat(added.as(FILES).getFirst().ranges())
        .containsExactly(new FileView.Range(10, 100), new FileView.Range(1000, -1));
    http.post("/v1/jobs/" + job.id() + "/resume", null);
    awaitState(http, job.id(), "TRANSFERRED");
    http.post("/v1/jobs/" + job.id() + "/complete", null);
    byte[] expected = new byte[100 + (int) small.size() - 1000];
    System.arraycopy(small.slice(10, 100), 0, expected, 0, 100);
    System.arraycopy(
        small.slice(1000, (int) small.size() - 1000), 0, expected, 100, expected.length - 100);
    assertThat(Files.readAllBytes(local)).isEqualTo(expected);
  }

  @Test
  void jobPropertiesCanBeReadAndSet() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("properties", null)).as(JobView.class);
    String base = "/v1/jobs/" + job.id() + "/properties/";
    assertThat(http.get(base + "1").as(PropertyValue.class))
        .isEqualTo(new PropertyValue("DWORD", Integer.toUnsignedString(0x800000FF)));
    var set = http.put(base + "5", new PropertyValue("UINT64", "123456789"));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.as(PropertyValue.class)).isEqualTo(new PropertyValue("UINT64", "123456789"));
    assertThat(http.get(base + "5").as(PropertyValue.class).value()).isEqualTo("123456789");
    http.put(base + "3", new PropertyValue("ENABLE", "true"));
    assertThat(http.get(base + "3").as(PropertyValue.class))
        .isEqualTo(new PropertyValue("ENABLE", "true"));
    assertProblem(
        http.put(base + "5", new PropertyValue("ENABLE", "true")), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.put(base + "1", new PropertyValue("DWORD", "lots")), 400, HResult.E_INVALIDARG);
    assertProblem(http.get(base + "6"), 400, HResult.BG_E_UNKNOWN_PROPERTY_ID);
    assertProblem(http.get(base + "six"), 400, HResult.E_INVALIDARG);
    http.post("/v1/jobs/" + job.id() + "/cancel", null);
  }

  @Test
  void actionsSuspendResumeCancelAndTakeOwnership() {
    fx.origin.fault("/slow.bin", Fault.throttle(200_000));
    fx.origin.put("/slow.bin", Content.random(4 << 20, 3));
    JobView job = createJobWithFile(http, "actions", url("/slow.bin"), fx.download("slow.bin"));
    String base = "/v1/jobs/" + job.id() + "/";
    assertThat(http.post(base + "resume", null).as(Result.class).name()).isEqualTo("S_OK");
    await()
        .atMost(PATIENCE)
        .until(
            () -> http.get("/v1/jobs/" + job.id()).as(JobView.class).state(),
            "TRANSFERRING"::equals);
    assertThat(http.post(base + "suspend", null).as(Result.class).name()).isEqualTo("S_OK");
    assertThat(http.get("/v1/jobs/" + job.id()).as(JobView.class).state()).isEqualTo("SUSPENDED");
    var takeOwnership = http.post(base + "take-ownership", null);
    if (Ferry.currentUser().isAdministrator()) {
      assertThat(takeOwnership.as(Result.class).name()).isEqualTo("S_OK");
    } else {
      assertProblem(takeOwnership, 403, HResult.E_ACCESSDENIED);
    }
    assertThat(http.post(base + "cancel", null).as(Result.class).name()).isEqualTo("S_OK");
    assertThat(Files.exists(fx.download("slow.bin"))).isFalse();
    fx.origin.clearFaults("/slow.bin");
  }

  @Test
  void describesErrors() {
    Description d =
        http.get("/v1/errors/description?hresult=0x80200001&lang=en").as(Description.class);
    assertThat(d)
        .isEqualTo(
            new Description(
                HResult.BG_E_NOT_FOUND.value(),
                "BG_E_NOT_FOUND",
                HResult.BG_E_NOT_FOUND.message()));
    assertThat(http.get("/v1/errors/description?hresult=2149580801").as(Description.class).name())
        .isEqualTo("BG_E_NOT_FOUND");
    assertThat(
            http.get("/v1/errors/description?hresult=-2145386495&lang=en-GB")
                .as(Description.class)
                .name())
        .isEqualTo("BG_E_NOT_FOUND");
    assertThat(http.get("/v1/errors/description?hresult=0x80190194").as(Description.class).name())
        .isEqualTo("BG_E_HTTP_ERROR_404");
    assertProblem(
        http.get("/v1/errors/description?hresult=0x80200001&lang=fr"),
        400,
        HResult.ERROR_RESOURCE_LANG_NOT_FOUND);
    assertProblem(http.get("/v1/errors/description?hresult=banana"), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.get("/v1/errors/description?hresult=0x1FFFFFFFF"), 400, HResult.E_INVALIDARG);
    assertProblem(http.get("/v1/errors/description"), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.get("/v1/errors/description?hresult=1&lang=not_a_tag!"), 400, HResult.E_INVALIDARG);
  }

  // --- errors ------------------------------------------------------------------------------

  @Test
  void anUnknownJobIsNotFound() {
    String id = "/v1/jobs/" + java.util.UUID.randomUUID();
    assertProblem(http.get(id), 404, HResult.BG_E_NOT_FOUND);
    assertProblem(http.patch(id, "{}"), 404, HResult.BG_E_NOT_FOUND);
    assertProblem(http.post(id + "/resume", null), 404, HResult.BG_E_NOT_FOUND);
    assertProblem(http.get(id + "/files"), 404, HResult.BG_E_NOT_FOUND);
  }

  @Test
  void changingAFinishedJobIsAnInvalidState() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("finished", null)).as(JobView.class);
    String base = "/v1/jobs/" + job.id();
    assertThat(http.post(base + "/cancel", null).as(Result.class).name()).isEqualTo("S_OK");
    assertProblem(
        http.patch(
            base, new JobPatch("x", null, null, null, null, null, null, null, null, null, null)),
        409,
        HResult.BG_E_INVALID_STATE);
    assertProblem(http.post(base + "/resume", null), 409, HResult.BG_E_INVALID_STATE);
    assertProblem(http.post(base + "/cancel", null), 409, HResult.BG_E_INVALID_STATE);
    assertProblem(
        http.put(base + "/properties/5", new PropertyValue("UINT64", "1")),
        409,
        HResult.BG_E_INVALID_STATE);
    assertProblem(
        http.post(
            base + "/files",
            new AddFilesRequest(
                List.of(
                    new AddFilesRequest.NewFile(
                        url("/small.bin"), fx.download("never.bin").toString(), null)))),
        409,
        HResult.BG_E_INVALID_STATE);
    // Reading it, like GetJob, finds nothing.
    assertProblem(http.get(base), 404, HResult.BG_E_NOT_FOUND);
  }

  @Test
  void wrongStatesAndLimitsAreConflicts() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("empty", null)).as(JobView.class);
    assertProblem(http.post("/v1/jobs/" + job.id() + "/resume", null), 409, HResult.BG_E_EMPTY);
    http.post("/v1/jobs/" + job.id() + "/cancel", null);
  }

  @Test
  void malformedRequestsAreBadRequests() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("bad input", null)).as(JobView.class);
    String base = "/v1/jobs/" + job.id();
    assertProblem(http.post("/v1/jobs", "{\"displayName\": "), 400, HResult.E_INVALIDARG);
    assertProblem(http.post("/v1/jobs", "[1,2]"), 400, HResult.E_INVALIDARG);
    assertProblem(http.post("/v1/jobs", "null"), 400, HResult.E_INVALIDARG);
    assertProblem(http.post("/v1/jobs", ""), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.post("/v1/jobs", Map.of("displayName", "x", "colour", "red")),
        400,
        HResult.E_INVALIDARG);
    assertProblem(
        http.post("/v1/jobs", Map.of("displayName", "x", "type", "FAX")),
        400,
        HResult.E_INVALIDARG);
    assertProblem(http.post("/v1/jobs", Map.of("type", "DOWNLOAD")), 400, HResult.E_INVALIDARG);
    assertProblem(http.patch(base, Map.of("priority", "URGENT")), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.patch(base, Map.of("proxy", Map.of("usage", "SOMETIMES"))), 400, HResult.E_INVALIDARG);
    assertProblem(http.patch(base, Map.of("notifyFlags", "many")), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.patch(base, Map.of("minimumRetryDelaySeconds", -5)), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.patch(base, Map.of("notifyCmdLine", Map.of("program", "relative"))),
        400,
        HResult.E_INVALIDARG);
    assertProblem(http.get("/v1/jobs/not-a-uuid"), 400, HResult.E_INVALIDARG);
    assertProblem(http.get("/v1/jobs/1-2-3-4-5"), 400, HResult.E_INVALIDARG);
    assertProblem(http.get("/v1/jobs?allUsers=perhaps"), 400, HResult.E_INVALIDARG);
    assertProblem(http.get(base + "/files/x/properties/1"), 400, HResult.E_INVALIDARG);
    assertProblem(http.get(base + "/files/0/properties/1"), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.post(base + "/files", Map.of("files", List.of())), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.post(
            base + "/files",
            Map.of(
                "files",
                List.of(Map.of("remoteName", url("/small.bin"), "localName", "relative/path")))),
        400,
        HResult.E_INVALIDARG);
    assertProblem(
        http.post(
            base + "/files",
            Map.of(
                "files",
                List.of(
                    Map.of(
                        "remoteName",
                        url("/small.bin"),
                        "localName",
                        fx.download("r.bin").toString(),
                        "ranges",
                        List.of(Map.of("offset", -1, "length", 5)))))),
        400,
        HResult.BG_E_INVALID_RANGE);
    // Nothing above created a file.
    assertThat(http.get(base + "/files").as(FILES)).isEmpty();
    http.post(base + "/cancel", null);
  }

  @Test
  void unknownRoutesAreNotFound() {
    JobView job = http.post("/v1/jobs", new CreateJobRequest("routes", null)).as(JobView.class);
    assertProblem(http.get("/v1/nothing"), 404, HResult.E_INVALIDARG);
    assertProblem(http.get("/"), 404, HResult.E_INVALIDARG);
    assertProblem(http.send("DELETE", "/v1/jobs/" + job.id(), null), 404, HResult.E_INVALIDARG);
    assertProblem(http.post("/v1/jobs/" + job.id() + "/explode", null), 404, HResult.E_INVALIDARG);
    assertProblem(http.get("/v2/jobs"), 404, HResult.E_INVALIDARG);
    // The unknown action did nothing.
    assertThat(http.get("/v1/jobs/" + job.id()).as(JobView.class).state()).isEqualTo("SUSPENDED");
    http.post("/v1/jobs/" + job.id() + "/cancel", null);
  }

  @Test
  void bodiesOverOneMebibyteAreRefused() {
    String huge = "{\"displayName\": \"" + "x".repeat((1 << 20) + 10) + "\"}";
    assertProblem(http.post("/v1/jobs", huge), 413, HResult.E_INVALIDARG);
    // The daemon still answers.
    assertThat(http.get("/v1/whoami").status()).isEqualTo(200);
  }

  // --- events and notifications --------------------------------------------------------------

  @Test
  void theEventStreamCarriesChangesProgressAndTransferredFiles() throws Exception {
    fx.origin.fault("/events.bin", Fault.throttle(2_000_000));
    fx.origin.put("/events.bin", Content.random(2 << 20, 11));
    try (EventReader all =
        new EventReader(http.open("/v1/events", "Accept", "text/event-stream"))) {
      assertThat(all.response.getCode()).isEqualTo(200);
      assertThat(all.response.getFirstHeader("Content-Type").getValue())
          .startsWith("text/event-stream");
      all.awaitSubscribed();
      JobView job =
          createJobWithFile(http, "observed", url("/events.bin"), fx.download("events.bin"));
      JobView other = http.post("/v1/jobs", new CreateJobRequest("other", null)).as(JobView.class);
      try (EventReader one =
          new EventReader(http.open("/v1/events?job=" + job.id(), "Accept", "text/event-stream"))) {
        one.awaitSubscribed();
        http.post("/v1/jobs/" + job.id() + "/resume", null);
        http.patch("/v1/jobs/" + other.id(), Map.of("displayName", "other, renamed"));
        awaitState(http, job.id(), "TRANSFERRED");
        await()
            .atMost(PATIENCE)
            .untilAsserted(() ->
                assertThat(all.of(job.id()))
                    .extracting(EventReader.Event::name)
                    .contains("changed", "progress", "file-transferred"));
        await()
            .atMost(PATIENCE)
            .untilAsserted(() ->
                assertThat(one.events)
                    .anySatisfy(e -> assertThat(e.view().state()).isEqualTo("TRANSFERRED")));
        assertThat(all.of(job.id()))
            .allSatisfy(e -> assertThat(e.name()).isEqualTo(e.view().kind()));
        assertThat(all.of(job.id()))
            .filteredOn(e -> e.name().equals("file-transferred"))
            .allSatisfy(e -> assertThat(e.view().fileIndex()).isZero());
        assertThat(all.of(job.id()))
            .filteredOn(e -> e.name().equals("changed"))
            .extracting(e -> e.view().state())
            .contains("QUEUED", "TRANSFERRING", "TRANSFERRED");
        await().atMost(PATIENCE).until(() -> !all.of(other.id()).isEmpty());
        // The one-job stream saw nothing of the other job.
        assertThat(one.events).allSatisfy(e -> assertThat(e.view().jobId()).isEqualTo(job.id()));
      }
      http.post("/v1/jobs/" + job.id() + "/complete", null);
      http.post("/v1/jobs/" + other.id() + "/cancel", null);
      await()
          .atMost(PATIENCE)
          .untilAsserted(() ->
              assertThat(all.of(job.id()))
                  .anySatisfy(e -> assertThat(e.view().state()).isEqualTo("ACKNOWLEDGED")));
    }
  }

  @Test
  void theEventStreamNeedsTheEventStreamMediaTypeAndAVisibleJob() {
    assertProblem(http.get("/v1/events"), 406, HResult.E_INVALIDARG);
    assertProblem(
        http.get("/v1/events?job=nope", "Accept", "text/event-stream"), 400, HResult.E_INVALIDARG);
    assertProblem(
        http.get("/v1/events?job=" + java.util.UUID.randomUUID(), "Accept", "text/event-stream"),
        404,
        HResult.BG_E_NOT_FOUND);
  }

  @Test
  void theDaemonRunsTheNotifyCommandLine() throws Exception {
    Path out = fx.dir.resolve("notified.txt");
    JobView job = createJobWithFile(http, "notify", url("/small.bin"), fx.download("notify.bin"));
    var patched =
        http.patch(
            "/v1/jobs/" + job.id(),
            Map.of(
                "notifyCmdLine",
                Map.of(
                    "program",
                    "/bin/sh",
                    "parameters",
                    "-c 'echo \"$FERRY_JOB_STATE $FERRY_JOB_ID $(id -u)\" > " + out + "'")));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    http.post("/v1/jobs/" + job.id() + "/resume", null);
    awaitState(http, job.id(), "TRANSFERRED");
    await().atMost(PATIENCE).until(() -> Files.exists(out) && Files.size(out) > 0);
    assertThat(Files.readString(out).strip())
        .isEqualTo("TRANSFERRED " + job.id() + " " + Ferry.currentUser().uid());
    http.post("/v1/jobs/" + job.id() + "/complete", null);
  }

  // --- the socket ----------------------------------------------------------------------------

  @Test
  void theSocketIsPrivateAndTheOnlyTcpPortIsForPeers() throws Exception {
    assertThat(DaemonFixture.mode(fx.socket)).isEqualTo("0600");
    assertThat(DaemonFixture.mode(fx.socket.getParent())).isEqualTo("0700");
    var listeners = Listeners.tcpListenersOf(daemon.pid());
    assertThat(listeners).as("the port for peers (DO's 7680, else any), and no API").hasSize(1);
    // It speaks BitTorrent alone: an HTTP request to it is not answered, only closed.
    try (var socket = new java.net.Socket("127.0.0.1", listeners.get(0).port())) {
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write("GET /v1/jobs HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void servesItsOpenApiDescriptionCoveringEveryRoute() throws Exception {
    var response = http.get("/v1/openapi.yaml");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/yaml");
    assertThat(response.body()).startsWith("openapi: 3");
    for (Field field : Routes.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class
          && ((String) field.get(null)).startsWith("/v1/")) {
        String path = ((String) field.get(null)).replace("{action}", "{action}");
        assertThat(response.body()).as(field.getName()).contains("\n  " + path + ":\n");
      }
    }
  }
}
