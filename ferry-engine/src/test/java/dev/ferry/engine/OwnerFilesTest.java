package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine running as root for other users (system mode) creates each job's files as the job's
 * owner and only in directories that owner may write, checking the directory it actually opens, so
 * swapping a directory for a link after the job was created gains nothing. Needs root and a second
 * local user; skipped otherwise.
 */
class OwnerFilesTest {
  private static final String USER = "ferrytest1";
  private static JobOwner owner;

  @TempDir Path dir;

  @RegisterExtension
  private final EngineFixture fixture =
      new EngineFixture(EngineFixture.testConfig().withActingForOwners(true));

  private Path userDir;
  private Path rootOnly;

  @BeforeAll
  static void needsRootAndASecondUser() throws Exception {
    assumeThat(Ferry.currentUser().uid())
        .as("system-mode ownership needs root to create files for another user")
        .isZero();
    if (run("id", "-u", USER) != 0) {
      run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER);
    }
    String uid =
        new String(new ProcessBuilder("id", "-u", USER).start().getInputStream().readAllBytes())
            .strip();
    owner = new JobOwner(Long.parseLong(uid), USER);
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    process.waitFor(30, TimeUnit.SECONDS);
    return process.exitValue();
  }

  @BeforeEach
  void start() throws Exception {
    userDir = Files.createDirectory(dir.resolve("home"));
    Files.setPosixFilePermissions(userDir, PosixFilePermissions.fromString("rwx------"));
    run("chown", USER, userDir.toString());
    rootOnly = Files.createDirectory(dir.resolve("rootonly"));
    Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private BackgroundCopyManager manager() {
    return fixture.manager(owner);
  }

  @Test
  void filesAreCreatedAsTheJobsOwner() throws Exception {
    Content content = Content.random(300_000, 1);
    fixture.origin.put("a.bin", content);
    BackgroundCopyJob job = manager().createJob("owned");
    Path local = userDir.resolve("a.bin");
    job.addFile(fixture.origin.url("a.bin"), local.toString());
    job.resume();
    EngineFixture.awaitState(job, JobState.TRANSFERRED);
    job.complete();

    assertThat(EngineFixture.sha256(local)).isEqualTo(content.sha256());
    assertThat(((Number) Files.getAttribute(local, "unix:uid")).longValue()).isEqualTo(owner.uid());
  }

  @Test
  void aDirectorySwappedForALinkAfterCreationIsNotWrittenThrough() throws Exception {
    fixture.origin.put("b.bin", Content.random(300_000, 2));
    BackgroundCopyJob job = manager().createJob("swapped");
    job.addFile(fixture.origin.url("b.bin"), userDir.resolve("b.bin").toString());
    Files.move(userDir, dir.resolve("home.old"));
    Files.createSymbolicLink(userDir, rootOnly);

    job.resume();
    EngineFixture.awaitState(job, JobState.ERROR);

    assertThat(job.error().orElseThrow().context()).isEqualTo(ErrorContext.LOCAL_FILE);
    assertThat(job.error().orElseThrow().code()).isEqualTo(HResult.E_ACCESSDENIED.value());
    try (var files = Files.list(rootOnly)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void completeRefusesToRenameIntoADirectoryTheOwnerMayNotWrite() throws Exception {
    Content content = Content.random(300_000, 3);
    fixture.origin.put("c.bin", content);
    BackgroundCopyJob job = manager().createJob("rename");
    job.addFile(fixture.origin.url("c.bin"), userDir.resolve("c.bin").toString());
    job.resume();
    EngineFixture.awaitState(job, JobState.TRANSFERRED);
    // The owner now points the destination at a directory only root may write, with a temporary
    // file of the same name planted there, hoping Complete renames it into place as root.
    Path temp =
        job.files().get(0).temporaryName() == null
            ? null
            : Path.of(job.files().get(0).temporaryName());
    Files.move(userDir, dir.resolve("home.old"));
    Files.createSymbolicLink(userDir, rootOnly);
    Files.write(rootOnly.resolve(temp.getFileName()), new byte[] {1, 2, 3});

    FerryException refused =
        org.junit.jupiter.api.Assertions.assertThrows(FerryException.class, job::complete);

    assertThat(refused.hresult()).isEqualTo(HResult.E_ACCESSDENIED.value());
    assertThat(job.state()).isEqualTo(JobState.TRANSFERRED);
    try (var files = Files.list(rootOnly)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .isEqualTo(List.of(temp.getFileName().toString()));
    }
    assertThat(Files.exists(rootOnly.resolve("c.bin"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void aDirectoryTheOwnerMayNotWriteIsRefused() throws Exception {
    fixture.origin.put("d.bin", Content.random(1000, 4));
    BackgroundCopyJob job = manager().createJob("denied");
    job.addFile(fixture.origin.url("d.bin"), rootOnly.resolve("d.bin").toString());
    job.resume();
    EngineFixture.awaitState(job, JobState.ERROR);

    assertThat(job.error().orElseThrow().code()).isEqualTo(HResult.E_ACCESSDENIED.value());
    try (var files = Files.list(rootOnly)) {
      assertThat(files).isEmpty();
    }
  }
}
