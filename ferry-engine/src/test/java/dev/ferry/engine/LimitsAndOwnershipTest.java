package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.ALICE;
import static dev.ferry.engine.EngineFixture.BOB;
import static dev.ferry.engine.EngineFixture.ROOT;
import static dev.ferry.engine.EngineFixture.assertHResult;
import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FileInfo;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.api.JobType;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The limits (administrators exempt), the argument checks of AddFile and AddFileWithRanges, and who
 * may see and change whose jobs: {@code docs/bits-semantics.md#limits}, {@code #argument-rules} and
 * {@code #ownership}.
 */
class LimitsAndOwnershipTest {
  private static final int JOBS_PER_USER = 2;
  private static final int JOBS_PER_MACHINE = 4;
  private static final int FILES_PER_JOB = 3;
  private static final int RANGES_PER_FILE = 4;
  private static final JobOwner CAROL = new JobOwner(1003, "carol");

  private static final String SMALL = "/small.bin";
  private static final Content SMALL_CONTENT = Content.random(200 * 1024, 31);

  @RegisterExtension
  final EngineFixture fx =
      new EngineFixture(
          EngineFixture.testConfig()
              .withLimits(JOBS_PER_USER, JOBS_PER_MACHINE, FILES_PER_JOB, RANGES_PER_FILE));

  BackgroundCopyManager alice;
  BackgroundCopyManager bob;
  BackgroundCopyManager root;

  @BeforeEach
  void start() {
    alice = fx.manager(ALICE);
    bob = fx.manager(BOB);
    root = fx.manager(ROOT);
    fx.origin.put(SMALL, SMALL_CONTENT);
  }

  private String url() {
    return fx.origin.url(SMALL);
  }

  private String local(String name) {
    return fx.download(name).toString();
  }

  // ================================================================================================
  // Limits
  // ================================================================================================

  @Test
  void tooManyJobsPerUser() {
    BackgroundCopyJob first = alice.createJob("1");
    alice.createJob("2");

    assertHResult(() -> alice.createJob("3"), HResult.BG_E_TOO_MANY_JOBS_PER_USER);
    assertThat(alice.enumJobs()).hasSize(JOBS_PER_USER);

    // Another user is not affected, and a job in a final state no longer counts.
    bob.createJob("bob's");
    first.cancel();
    alice.createJob("3 after all");
    assertThat(alice.enumJobs()).hasSize(JOBS_PER_USER);
  }

  @Test
  void tooManyJobsPerMachine() {
    alice.createJob("a1");
    alice.createJob("a2");
    bob.createJob("b1");
    BackgroundCopyManager carol = fx.manager(CAROL);
    carol.createJob("c1");

    assertHResult(() -> carol.createJob("c2"), HResult.BG_E_TOO_MANY_JOBS_PER_MACHINE);
    assertHResult(() -> bob.createJob("b2"), HResult.BG_E_TOO_MANY_JOBS_PER_MACHINE);
    assertThat(root.enumJobs(true)).hasSize(JOBS_PER_MACHINE);
  }

  @Test
  void theAdministratorIsExemptFromTheJobLimits() {
    alice.createJob("a1");
    alice.createJob("a2");
    bob.createJob("b1");
    bob.createJob("b2");

    for (int i = 0; i < JOBS_PER_MACHINE + 1; i++) {
      root.createJob("root " + i);
    }

    assertThat(root.enumJobs()).hasSize(JOBS_PER_MACHINE + 1);
    assertThat(root.enumJobs(true)).hasSize(2 * JOBS_PER_MACHINE + 1);
  }

  @Test
  void tooManyFilesInJob() {
    BackgroundCopyJob job = alice.createJob("files");
    job.addFile(url(), local("1.bin"));
    job.addFile(url(), local("2.bin"));

    // AddFileSet is atomic: over the limit, nothing is added.
    assertHResult(
        () ->
            job.addFileSet(
                List.of(new FileInfo(url(), local("3.bin")), new FileInfo(url(), local("4.bin")))),
        HResult.BG_E_TOO_MANY_FILES_IN_JOB);
    assertThat(job.files()).hasSize(2);

    job.addFileSet(List.of(new FileInfo(url(), local("3.bin"))));
    assertThat(job.files()).hasSize(FILES_PER_JOB);
    assertHResult(() -> job.addFile(url(), local("4.bin")), HResult.BG_E_TOO_MANY_FILES_IN_JOB);
    assertThat(job.files()).hasSize(FILES_PER_JOB);

    fx.restart();
    assertThat(fx.manager(ALICE).getJob(job.id()).files()).hasSize(FILES_PER_JOB);
  }

  @Test
  void addFileSetIsAtomicForBadArgumentsToo() {
    BackgroundCopyJob job = alice.createJob("atomic");

    assertHResult(
        () ->
            job.addFileSet(
                List.of(
                    new FileInfo(url(), local("good.bin")),
                    new FileInfo(url(), "relative/bad.bin"))),
        HResult.E_INVALIDARG);
    assertHResult(
        () ->
            job.addFileSet(
                List.of(
                    new FileInfo(url(), local("same.bin")),
                    new FileInfo(url(), local("same.bin")))),
        HResult.E_INVALIDARG);

    assertThat(job.files()).isEmpty();
    assertHResult(() -> job.addFileSet(List.of()), HResult.E_INVALIDARG);
    assertHResult(() -> job.addFileSet(null), HResult.E_INVALIDARG);
  }

  @Test
  void theAdministratorIsExemptFromTheFileLimit() {
    BackgroundCopyJob job = root.createJob("root's files");
    List<FileInfo> files = new ArrayList<>();
    for (int i = 0; i < FILES_PER_JOB + 2; i++) {
      files.add(new FileInfo(url(), local("root-" + i + ".bin")));
    }

    job.addFileSet(files);

    assertThat(job.files()).hasSize(FILES_PER_JOB + 2);
  }

  @Test
  void tooManyRangesInFile() {
    BackgroundCopyJob job = alice.createJob("ranges");
    List<FileRange> allowed = ranges(RANGES_PER_FILE);
    List<FileRange> tooMany = ranges(RANGES_PER_FILE + 1);

    assertHResult(
        () -> job.addFileWithRanges(url(), local("too-many.bin"), tooMany),
        HResult.BG_E_TOO_MANY_RANGES_IN_FILE);
    assertThat(job.files()).isEmpty();
    job.addFileWithRanges(url(), local("allowed.bin"), allowed);
    assertThat(job.files().get(0).fileRanges()).isEqualTo(allowed);

    BackgroundCopyJob rootJob = root.createJob("root's ranges");
    rootJob.addFileWithRanges(url(), local("root.bin"), tooMany);
    assertThat(rootJob.files().get(0).fileRanges()).isEqualTo(tooMany);
  }

  private static List<FileRange> ranges(int count) {
    List<FileRange> ranges = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ranges.add(new FileRange(i * 1000L, 100));
    }
    return ranges;
  }

  // ================================================================================================
  // AddFile and AddFileWithRanges arguments
  // ================================================================================================

  static Stream<Arguments> invalidFiles() {
    return Stream.of(
        invalid("relative local path", f -> f.origin.url(SMALL), f -> "downloads/x.bin"),
        invalid(
            "missing directory",
            f -> f.origin.url(SMALL),
            f -> f.downloads.resolve("nowhere/x.bin").toString()),
        invalid(
            "'..' in the local path",
            f -> f.origin.url(SMALL),
            f -> f.downloads + "/../downloads/x.bin"),
        invalid("'.' in the local path", f -> f.origin.url(SMALL), f -> f.downloads + "/./x.bin"),
        invalid("empty local path", f -> f.origin.url(SMALL), f -> ""),
        invalid("null local path", f -> f.origin.url(SMALL), f -> null),
        invalid("local path is a directory", f -> f.origin.url(SMALL), f -> f.downloads.toString()),
        invalid(
            "unsupported scheme ftp",
            f -> "ftp://127.0.0.1/x.bin",
            f -> f.download("x.bin").toString()),
        invalid("not a URL", f -> "http://[broken", f -> f.download("x.bin").toString()),
        invalid("relative URL", f -> "/small.bin", f -> f.download("x.bin").toString()),
        invalid("http URL without host", f -> "http:///x.bin", f -> f.download("x.bin").toString()),
        invalid("null URL", f -> null, f -> f.download("x.bin").toString()),
        invalid(
            "URL of 2201 characters",
            f -> urlOfLength(f, 2201),
            f -> f.download("x.bin").toString()));
  }

  private static Arguments invalid(
      String name, Function<EngineFixture, String> url, Function<EngineFixture, String> local) {
    return Arguments.of(name, url, local);
  }

  private static String urlOfLength(EngineFixture f, int length) {
    String base = f.origin.url("/");
    return base + "a".repeat(length - base.length());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void addFileRejectsInvalidArguments(
      String name, Function<EngineFixture, String> url, Function<EngineFixture, String> local) {
    BackgroundCopyJob job = alice.createJob("invalid");
    String remote = url.apply(fx);
    String localName = local.apply(fx);

    assertHResult(() -> job.addFile(remote, localName), HResult.E_INVALIDARG);
    assertHResult(
        () -> job.addFileWithRanges(remote, localName, List.of(new FileRange(0, 10))),
        HResult.E_INVALIDARG);
    assertHResult(
        () -> job.addFileSet(List.of(new FileInfo(remote, localName))), HResult.E_INVALIDARG);

    assertThat(job.files()).isEmpty();
  }

  @Test
  void aUrlOfExactly2200CharactersIsAccepted() {
    BackgroundCopyJob job = alice.createJob("long url");
    String url = urlOfLength(fx, 2200);
    assertThat(url).hasSize(2200);

    job.addFile(url, local("long.bin"));

    assertThat(job.files().get(0).remoteName()).isEqualTo(url);
  }

  @Test
  void aDirectoryTheCallerCannotWriteIsAccessDenied() throws Exception {
    Path locked = Files.createDirectory(fx.downloads.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
    try {
      Assumptions.assumeFalse(
          Files.isWritable(locked), "running as root: every directory is writable");
      BackgroundCopyJob job = alice.createJob("locked");

      assertHResult(
          () -> job.addFile(url(), locked.resolve("x.bin").toString()), HResult.E_ACCESSDENIED);
      assertThat(job.files()).isEmpty();
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aSymbolicLinkAsDestinationIsAccessDenied() throws Exception {
    Path elsewhere = Files.writeString(fx.dir.resolve("elsewhere.txt"), "precious");
    Path link = Files.createSymbolicLink(fx.download("link.bin"), elsewhere);
    Path dangling =
        Files.createSymbolicLink(fx.download("dangling.bin"), fx.dir.resolve("not-there"));
    BackgroundCopyJob job = alice.createJob("links");

    assertHResult(() -> job.addFile(url(), link.toString()), HResult.E_ACCESSDENIED);
    assertHResult(() -> job.addFile(url(), dangling.toString()), HResult.E_ACCESSDENIED);

    assertThat(job.files()).isEmpty();
    assertThat(Files.readString(elsewhere)).isEqualTo("precious");
  }

  @Test
  void overlappingRangesAreRejected() {
    BackgroundCopyJob job = alice.createJob("overlap");
    List<List<FileRange>> overlapping =
        List.of(
            List.of(new FileRange(0, 100), new FileRange(50, 100)),
            List.of(new FileRange(500, 100), new FileRange(0, 501)),
            List.of(new FileRange(100, 5), new FileRange(100, 10)),
            List.of(new FileRange(0, FileRange.TO_EOF), new FileRange(1000, 10)));

    for (List<FileRange> ranges : overlapping) {
      assertHResult(
          () -> job.addFileWithRanges(url(), local("o.bin"), ranges),
          HResult.BG_E_OVERLAPPING_RANGES);
    }
    assertThat(job.files()).isEmpty();

    // Adjacent ranges, in any order, do not overlap.
    job.addFileWithRanges(
        url(), local("adjacent.bin"), List.of(new FileRange(100, 100), new FileRange(0, 100)));
    assertThat(job.files()).hasSize(1);
  }

  @Test
  void invalidRangesAreRejected() {
    BackgroundCopyJob job = alice.createJob("invalid ranges");

    assertHResult(
        () -> job.addFileWithRanges(url(), local("z.bin"), List.of(new FileRange(10, 0))),
        HResult.BG_E_INVALID_RANGE);
    assertHResult(() -> new FileRange(-1, 10), HResult.BG_E_INVALID_RANGE);
    assertHResult(() -> new FileRange(0, -2), HResult.BG_E_INVALID_RANGE);
    assertHResult(
        () -> job.addFileWithRanges(url(), local("e.bin"), List.of()), HResult.E_INVALIDARG);
    assertHResult(() -> job.addFileWithRanges(url(), local("n.bin"), null), HResult.E_INVALIDARG);
    assertThat(job.files()).isEmpty();
  }

  @Test
  void aRangeBeyondTheRemoteFileFailsTheJob() {
    BackgroundCopyJob job = alice.createJob("beyond");
    job.addFileWithRanges(
        url(), local("beyond.bin"), List.of(new FileRange(SMALL_CONTENT.size() + 10, 10)));

    job.resume();
    awaitState(job, JobState.ERROR);

    assertThat(HResult.hex(job.error().orElseThrow().code()))
        .isEqualTo(HResult.hex(HResult.BG_E_INVALID_RANGE.value()));
  }

  @Test
  void aJobWritesEachLocalNameOnce() {
    BackgroundCopyJob job = alice.createJob("duplicates");
    job.addFile(url(), local("once.bin"));

    assertHResult(() -> job.addFile(url(), local("once.bin")), HResult.E_INVALIDARG);
    assertHResult(
        () -> job.addFileWithRanges(url(), local("once.bin"), List.of(new FileRange(0, 10))),
        HResult.E_INVALIDARG);
    assertThat(job.files()).hasSize(1);

    // Another job may name the same file.
    alice.createJob("other").addFile(url(), local("once.bin"));
  }

  @Test
  void onlyDownloadJobsCanBeCreated() {
    assertHResult(() -> alice.createJob("upload", JobType.UPLOAD), HResult.E_NOTIMPL);
    assertHResult(() -> alice.createJob("reply", JobType.UPLOAD_REPLY), HResult.E_NOTIMPL);
    assertHResult(() -> alice.createJob("no type", null), HResult.E_INVALIDARG);
    assertThat(alice.enumJobs()).isEmpty();
    assertThat(alice.createJob("download", JobType.DOWNLOAD).type()).isEqualTo(JobType.DOWNLOAD);
  }

  // ================================================================================================
  // Ownership and visibility
  // ================================================================================================

  @Test
  void anotherUserCannotSeeTheJob() {
    BackgroundCopyJob job = alice.createJob("alice's");
    BackgroundCopyJob bobsOwn = bob.createJob("bob's");

    assertHResult(() -> bob.getJob(job.id()), HResult.BG_E_NOT_FOUND);
    assertHResult(() -> bob.getJob(UUID.randomUUID()), HResult.BG_E_NOT_FOUND);
    assertThat(bob.enumJobs()).containsExactly(bobsOwn);
    assertThat(alice.enumJobs()).containsExactly(job);
    assertHResult(() -> bob.enumJobs(true), HResult.E_ACCESSDENIED);
    assertHResult(() -> alice.enumJobs(true), HResult.E_ACCESSDENIED);
  }

  @Test
  void theAdministratorSeesAndChangesEveryonesJobs() {
    BackgroundCopyJob alices = alice.createJob("alice's");
    BackgroundCopyJob bobs = bob.createJob("bob's");
    BackgroundCopyJob roots = root.createJob("root's");

    assertThat(root.enumJobs(true)).containsExactlyInAnyOrder(alices, bobs, roots);
    assertThat(root.enumJobs()).containsExactly(roots);

    BackgroundCopyJob asRoot = root.getJob(alices.id());
    asRoot.setDescription("changed by root");
    asRoot.setPriority(JobPriority.LOW);
    asRoot.addFile(url(), local("by-root.bin"));

    assertThat(alices.description()).isEqualTo("changed by root");
    assertThat(alices.priority()).isEqualTo(JobPriority.LOW);
    assertThat(alices.files()).hasSize(1);
    assertThat(alices.owner()).as("editing is not taking over").isEqualTo(ALICE);
    assertThat(alice.enumJobs()).containsExactly(alices);
  }

  @Test
  void onlyTheAdministratorMayTakeOwnership() {
    BackgroundCopyJob job = alice.createJob("taken");
    var file = job.addFile(url(), local("taken.bin"));
    job.setCustomHeaders("X-Alice-Secret: s3cret");

    assertHResult(job::takeOwnership, HResult.E_ACCESSDENIED);
    assertThat(job.owner()).isEqualTo(ALICE);
    assertThat(job.customHeaders()).isEqualTo("X-Alice-Secret: s3cret");

    BackgroundCopyJob asRoot = root.getJob(job.id());
    asRoot.takeOwnership();

    assertThat(asRoot.owner()).isEqualTo(ROOT);
    assertThat(asRoot.customHeaders()).as("custom headers are stripped").isNull();
    assertThat(root.enumJobs()).contains(asRoot);

    // ALICE lost the job: her old handle may neither change nor read it, and she cannot find it.
    assertHResult(() -> job.setDescription("mine"), HResult.E_ACCESSDENIED);
    assertHResult(job::resume, HResult.E_ACCESSDENIED);
    assertHResult(job::suspend, HResult.E_ACCESSDENIED);
    assertHResult(job::cancel, HResult.E_ACCESSDENIED);
    assertHResult(job::complete, HResult.E_ACCESSDENIED);
    assertHResult(() -> job.addFile(url(), local("more.bin")), HResult.E_ACCESSDENIED);
    assertHResult(() -> job.setCustomHeaders("X-Again: 1"), HResult.E_ACCESSDENIED);
    assertHResult(() -> file.setRemoteName(url()), HResult.E_ACCESSDENIED);
    assertHResult(job::state, HResult.E_ACCESSDENIED);
    assertHResult(() -> alice.getJob(job.id()), HResult.BG_E_NOT_FOUND);
    assertThat(alice.enumJobs()).doesNotContain(job);

    // The stripped headers are not sent any more, and the change survives a restart.
    asRoot.resume();
    awaitState(asRoot, JobState.TRANSFERRED);
    assertThat(fx.origin.requests(SMALL)).isNotEmpty();
    assertThat(fx.origin.requests(SMALL).get(0).header("X-Alice-Secret")).isEmpty();
    fx.restart();
    BackgroundCopyJob reopened = fx.manager(ROOT).getJob(job.id());
    assertThat(reopened.owner()).isEqualTo(ROOT);
    assertThat(reopened.customHeaders()).isNull();
    assertHResult(() -> fx.manager(ALICE).getJob(job.id()), HResult.BG_E_NOT_FOUND);
  }

  @Test
  void aCookieSetForOneUsersJobNeverReachesAnotherUsersRequests() {
    fx.origin.put("/landing.bin", SMALL_CONTENT);
    fx.origin.fault(
        "/login.bin",
        Fault.status(
            302,
            Map.of(
                "Location",
                fx.origin.url("/landing.bin"),
                "Set-Cookie",
                "session=alice-only; Path=/")));
    BackgroundCopyJob mine = alice.createJob("alice's");
    mine.addFile(fx.origin.url("/login.bin"), local("alice.bin"));
    mine.resume();
    awaitState(mine, JobState.TRANSFERRED);
    BackgroundCopyJob theirs = bob.createJob("bob's");
    theirs.addFile(fx.origin.url("/landing.bin"), local("bob.bin"));
    theirs.resume();
    awaitState(theirs, JobState.TRANSFERRED);

    assertThat(fx.origin.requests("/landing.bin"))
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(request -> assertThat(request.header("cookie")).isEmpty());
  }
}
